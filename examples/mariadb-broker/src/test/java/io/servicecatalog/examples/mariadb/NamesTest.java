package io.servicecatalog.examples.mariadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.servicecatalog.examples.mariadb.mariadb.Names;
import io.servicecatalog.examples.mariadb.mariadb.Passwords;

class NamesTest {

    @Test
    void uuidsMapReadably() {
        assertEquals("osb_3f2a9c1e0b5d4e6f8a7b9c0d1e2f3a4b",
                Names.databaseName("3f2a9c1e-0b5d-4e6f-8a7b-9c0d1e2f3a4b"));
        assertEquals("u3f2a9c1e0b5d4e6f8a7b9c0d1e2f3a4",
                Names.userName("3f2a9c1e-0b5d-4e6f-8a7b-9c0d1e2f3a4b"));
    }

    @Test
    void otherIdsAreHashedWithinMariaDbLimits() {
        String longId = "Some.Instance/" + "x".repeat(200);
        String database = Names.databaseName(longId);
        assertTrue(database.length() <= 64, database);
        assertTrue(database.matches("osb_[a-z0-9_]+"), database);
        assertNotEquals(database, Names.databaseName(longId.toLowerCase()));

        String user = Names.userName("my binding");
        assertEquals(32, user.length());
        assertTrue(Names.BROKER_USER.matcher(user).matches(), user);
    }

    @Test
    void identifiersAreQuotedAndGrantWildcardsEscaped() {
        assertEquals("`we``ird`", Names.quote("we`ird"));
        assertEquals("`osb\\_ab`", Names.grantDatabase("osb_ab"));
        assertEquals("`u1`@`%`", Names.account("u1", "%"));
    }

    @Test
    void passwordsAreLongRandomAndAlphanumeric() {
        String password = Passwords.generate();
        assertTrue(password.matches("[A-Za-z0-9]{32}"), password);
        assertNotEquals(password, Passwords.generate());
    }
}
