package io.servicecatalog.api.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** kube-apiserver's token-file format, and what is (not) said about a token. */
class TokenFileTest {

  @Test
  void readsUsersUidsAndQuotedGroupLists() {
    TokenFile file = TokenFile.parse(List.of(
        "# comment",
        "",
        "tok-a,alice,uid-a,\"servicecatalog:namespace:a,devs\"",
        "tok-b,bob,uid-b,ops",
        "tok-c,carol,uid-c"), "tokens.csv");
    assertEquals(3, file.size());
    Caller alice = file.find("tok-a").orElseThrow();
    assertEquals("alice", alice.username());
    assertEquals("uid-a", alice.uid());
    assertEquals(List.of("servicecatalog:namespace:a", "devs", Caller.AUTHENTICATED), alice.groups());
    assertEquals(List.of("ops", Caller.AUTHENTICATED), file.find("tok-b").orElseThrow().groups());
    assertEquals(List.of(Caller.AUTHENTICATED), file.find("tok-c").orElseThrow().groups());
    assertFalse(file.find("tok-").isPresent());
    assertFalse(file.find("tok-a ").isPresent());
    assertFalse(file.find("").isPresent());
  }

  @Test
  void aBadLineIsReportedByNumberWithoutItsToken() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> TokenFile.parse(List.of("ok,u,1", "secret-token-value"), "tokens.csv"));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertFalse(e.getMessage().contains("secret-token-value"), e.getMessage());
    assertFalse(TokenFile.parse(List.of("secret,u,1"), "f").toString().contains("secret"));
  }
}
