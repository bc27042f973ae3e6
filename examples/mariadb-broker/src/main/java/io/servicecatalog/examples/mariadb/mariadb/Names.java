package io.servicecatalog.examples.mariadb.mariadb;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How OSB ids become MariaDB names, and how names are written into SQL safely.
 * The OSB spec allows any string as an id; MariaDB limits database names to 64 and user names
 * to 32 characters, so anything that is not a plain UUID falls back to a hash.
 */
public final class Names {

    private static final Pattern PLAIN_DATABASE_SUFFIX = Pattern.compile("[a-z0-9_]{1,60}");
    private static final Pattern UUID_HEX = Pattern.compile("[0-9a-f]{32}");
    /** Every user this broker creates matches this, so cleanup never touches anybody else's. */
    public static final Pattern BROKER_USER = Pattern.compile("u[0-9a-f]{31}");

    private Names() {
    }

    /** {@code osb_} plus the instance id without dashes, e.g. {@code osb_3f2a...}. */
    public static String databaseName(String instanceId) {
        String compact = instanceId.replace("-", "");
        if (PLAIN_DATABASE_SUFFIX.matcher(compact).matches()) {
            return "osb_" + compact;
        }
        // Lower-casing or stripping characters could make two ids collide; the hash keeps them apart.
        String readable = compact.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        readable = readable.substring(0, Math.min(readable.length(), 43));
        return "osb_" + readable + "_" + sha256Hex(instanceId).substring(0, 16);
    }

    /** {@code u} plus 31 hex digits: the binding UUID's, or a hash of any other binding id. */
    public static String userName(String bindingId) {
        String compact = bindingId.replace("-", "");
        String hex = UUID_HEX.matcher(compact).matches() ? compact : sha256Hex(bindingId);
        return "u" + hex.substring(0, 31);
    }

    /** Back-quotes an identifier (database or user name). */
    public static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /**
     * The database part of a GRANT. GRANT treats {@code _} and {@code %} in database names as
     * wildcards, so {@code osb_ab} would also cover {@code osbXab}; escaping keeps it exact.
     */
    public static String grantDatabase(String databaseName) {
        return quote(databaseName.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%"));
    }

    /** A user account, e.g. {@code `u123`@`%`}. */
    public static String account(String user, String host) {
        return quote(user) + "@" + quote(host);
    }

    public static String sha256Hex(String value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
