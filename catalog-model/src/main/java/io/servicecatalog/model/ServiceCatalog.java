package io.servicecatalog.model;

/** Names shared by every service: the API group, the finalizer, condition types and reasons. */
public final class ServiceCatalog {
  private ServiceCatalog() {}

  public static final String GROUP = "servicecatalog.k8s.io";
  public static final String VERSION = "v1beta1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** The original's finalizer name, kept so existing objects and tooling recognise it. */
  public static final String FINALIZER = "kubernetes-incubator/service-catalog";

  public static final String CONDITION_READY = "Ready";
  public static final String CONDITION_FAILED = "Failed";
  public static final String CONDITION_ORPHAN_MITIGATION = "OrphanMitigation";

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  /** Reasons, named as the original controller names them where it has one. */
  public static final class Reasons {
    private Reasons() {}

    public static final String FETCHING_CATALOG = "FetchingCatalog";
    public static final String FETCHED_CATALOG = "FetchedCatalog";
    public static final String ERROR_FETCHING_CATALOG = "ErrorFetchingCatalog";
    public static final String ERROR_AUTH_CREDENTIALS = "ErrorGettingAuthCredentials";

    public static final String REFERENCES_NONEXISTENT_CLASS = "ReferencesNonexistentServiceClass";
    public static final String REFERENCES_NONEXISTENT_PLAN = "ReferencesNonexistentServicePlan";
    public static final String REFERENCES_DELETED_PLAN = "ReferencesDeletedServicePlan";
    public static final String PROVISIONING = "Provisioning";
    public static final String PROVISION_REQUEST_IN_FLIGHT = "ProvisionRequestInFlight";
    public static final String PROVISIONED_SUCCESSFULLY = "ProvisionedSuccessfully";
    public static final String PROVISION_CALL_FAILED = "ProvisionCallFailed";
    public static final String BROKER_RETURNED_FAILURE = "ClusterServiceBrokerReturnedFailure";
    public static final String DEPROVISIONING = "Deprovisioning";
    public static final String DEPROVISION_REQUEST_IN_FLIGHT = "DeprovisionRequestInFlight";
    public static final String DEPROVISIONED_SUCCESSFULLY = "DeprovisionedSuccessfully";
    public static final String DEPROVISION_CALL_FAILED = "DeprovisionCallFailed";
    public static final String DEPROVISION_BLOCKED_BY_CREDENTIALS = "DeprovisionBlockedByExistingCredentials";
    public static final String ORPHAN_MITIGATION = "StartingInstanceOrphanMitigation";
    public static final String ORPHAN_MITIGATION_SUCCESSFUL = "OrphanMitigationSuccessful";

    public static final String ERROR_INSTANCE_NOT_READY = "ErrorInstanceNotReady";
    public static final String ERROR_NONBINDABLE = "ErrorNonbindableServiceClass";
    public static final String BINDING_REQUEST_IN_FLIGHT = "BindingRequestInFlight";
    public static final String BINDING = "Binding";
    public static final String INJECTING_BIND_RESULT = "InjectingBindResult";
    public static final String INJECTED_BIND_RESULT = "InjectedBindResult";
    public static final String ERROR_INJECTING_BIND_RESULT = "ErrorInjectingBindResult";
    public static final String BIND_CALL_FAILED = "BindCallFailed";
    public static final String UNBINDING = "Unbinding";
    public static final String UNBINDING_REQUEST_IN_FLIGHT = "UnbindingRequestInFlight";
    public static final String UNBOUND_SUCCESSFULLY = "UnboundSuccessfully";
    public static final String UNBIND_CALL_FAILED = "UnbindCallFailed";
    public static final String SECRET_DELETED = "CredentialsSecretDeleted";
    /** credential-injector: INJECT_SECRET SUCCEEDED after restoring a Secret deleted or edited by hand. */
    public static final String SECRET_REPAIRED = "SecretRepaired";
    /** credential-injector: INJECT_SECRET SUCCEEDED that replaced the Secret's credentials with new ones. */
    public static final String CREDENTIALS_ROTATED = "CredentialsRotated";

    // broker-gateway, OSB 2.17 obligations (update, parameters, error codes, rotation, drift)
    public static final String UPDATE_INSTANCE_REQUEST_IN_FLIGHT = "UpdateInstanceRequestInFlight";
    public static final String UPDATING_INSTANCE = "UpdatingInstance";
    public static final String INSTANCE_UPDATED_SUCCESSFULLY = "InstanceUpdatedSuccessfully";
    public static final String UPDATE_INSTANCE_CALL_FAILED = "UpdateInstanceCallFailed";
    public static final String ERROR_PLAN_NOT_UPDATABLE = "ErrorPlanNotUpdatable";
    public static final String ERROR_WITH_PARAMETERS = "ErrorWithParameters";
    public static final String ERROR_INVALID_PARAMETERS = "ErrorInvalidParameters";
    public static final String MAINTENANCE_INFO_CONFLICT = "MaintenanceInfoConflict";
    public static final String REQUIRES_APP = "RequiresApp";
    public static final String ORPHAN_MITIGATION_FAILED = "OrphanMitigationFailed";
    public static final String BINDING_ORPHAN_MITIGATION = "ServiceBindingNeedsOrphanMitigation";
    public static final String ROTATION_REQUEST_IN_FLIGHT = "BindingRotationRequestInFlight";
    public static final String ROTATING_BINDING = "RotatingBinding";
    public static final String BINDING_ROTATED = "BindingRotated";
    public static final String BINDING_ROTATION_FAILED = "BindingRotationFailed";
    public static final String ERROR_BINDING_NOT_ROTATABLE = "ErrorBindingNotRotatable";
    public static final String PREDECESSOR_UNBOUND = "PredecessorBindingUnbound";
    public static final String PREDECESSOR_UNBIND_FAILED = "PredecessorUnbindCallFailed";
    public static final String IN_SYNC_WITH_BROKER = "InSyncWithBroker";
    public static final String DRIFT_DETECTED = "DriftDetected";
    public static final String ERROR_FETCHING_INSTANCE = "ErrorFetchingInstance";
  }
}
