package io.servicecatalog.examples.mariadb.broker;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.servicecatalog.examples.mariadb.mariadb.MariaDbAdmin;
import io.servicecatalog.examples.mariadb.mariadb.Names;

/** Validation and fingerprinting of the {@code parameters} objects platforms send. */
final class Parameters {

    static final String CHARSET = "charset";

    /** Sorted keys, so {"a":1,"b":2} and {"b":2,"a":1} are recognised as the same request. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private Parameters() {
    }

    /** The requested character set, or null for the server default; rejects anything else. */
    static String charset(Map<String, Object> parameters) {
        if (parameters == null || parameters.isEmpty()) {
            return null;
        }
        for (String name : parameters.keySet()) {
            if (!CHARSET.equals(name)) {
                throw BrokerException.badRequest("Unknown parameter '" + name
                        + "'; the only provision parameter is 'charset'.");
            }
        }
        Object charset = parameters.get(CHARSET);
        if (charset == null) {
            return null;
        }
        if (!(charset instanceof String name) || !MariaDbAdmin.CHARSET_NAME.matcher(name).matches()) {
            throw BrokerException.badRequest(
                    "Parameter 'charset' must be a character set name such as utf8mb4 or latin1.");
        }
        return name;
    }

    static void requireNone(Map<String, Object> parameters, String what) {
        if (parameters != null && !parameters.isEmpty()) {
            throw BrokerException.badRequest("This service accepts no " + what + " parameters, got "
                    + new TreeMap<>(parameters).keySet() + ".");
        }
    }

    /** SHA-256 of the canonical JSON; absent and empty parameters hash the same. */
    static String hash(Map<String, Object> parameters) {
        try {
            return Names.sha256Hex(CANONICAL.writeValueAsString(parameters == null ? Map.of() : parameters));
        } catch (JsonProcessingException e) {
            throw BrokerException.badRequest("Parameters are not valid JSON: " + e.getOriginalMessage());
        }
    }
}
