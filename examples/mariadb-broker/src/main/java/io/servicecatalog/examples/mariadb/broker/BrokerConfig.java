package io.servicecatalog.examples.mariadb.broker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The {@code broker.*} settings; see application.properties for what each one is for. */
@ConfigMapping(prefix = "broker")
public interface BrokerConfig {

    String username();

    String password();

    @WithDefault("127.0.0.1")
    String publicHost();

    @WithDefault("3306")
    int publicPort();

    @WithDefault("5")
    int asyncProvisionSeconds();

    @WithDefault("osb_broker")
    String metadataDatabase();
}
