package io.servicecatalog.examples.mariadb.mariadb;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Random passwords for binding users. */
public final class Passwords {

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    /** Alphanumeric only: safe in a SQL literal, a URI and a shell without any escaping. */
    static final Pattern SAFE = Pattern.compile("[A-Za-z0-9]{24,}");
    private static final int LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    public static String generate() {
        char[] password = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            password[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(password);
    }
}
