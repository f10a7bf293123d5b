package io.jbuild.registry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthChallengeTest {
    @Test
    void parse_bearerWithQuotedParameters_keepsCommasInsideQuotes() {
        List<AuthChallenge> c = AuthChallenge.parse(
                "Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull,push\"");
        assertEquals(1, c.size());
        assertTrue(c.get(0).isBearer());
        assertEquals("https://auth.example/token", c.get(0).parameter("realm"));
        assertEquals("registry.example", c.get(0).parameter("service"));
        assertEquals("repository:a/b:pull,push", c.get(0).parameter("scope"));
    }

    @Test
    void parse_severalChallengesInOneHeader_returnsEach() {
        List<AuthChallenge> c = AuthChallenge.parse("Basic realm=\"x y\", Bearer realm=\"https://t\",service=s");
        assertEquals(2, c.size());
        assertTrue(c.get(0).isBasic());
        assertEquals("x y", c.get(0).parameter("realm"));
        assertTrue(c.get(1).isBearer());
        assertEquals("s", c.get(1).parameter("service"));
    }

    @Test
    void parse_escapedQuoteAndUpperCaseNames_unescapesAndLowerCases() {
        List<AuthChallenge> c = AuthChallenge.parse("bearer Realm=\"a\\\"b\" , Error=\"insufficient_scope\"");
        assertEquals(1, c.size());
        assertTrue(c.get(0).isBearer());
        assertEquals("a\"b", c.get(0).parameter("realm"));
        assertEquals("insufficient_scope", c.get(0).parameter("error"));
    }

    @Test
    void parse_severalHeaderValues_collectsAll() {
        List<AuthChallenge> c = AuthChallenge.parse(List.of("Basic realm=r", "Bearer realm=\"https://t\""));
        assertEquals(2, c.size());
    }

    @Test
    void parse_token68_keptAsSchemeWithoutParameters() {
        List<AuthChallenge> c = AuthChallenge.parse("Negotiate abc==, Basic realm=r");
        assertEquals("Negotiate", c.get(0).scheme());
        assertEquals("Basic", c.get(c.size() - 1).scheme());
        assertEquals("r", c.get(c.size() - 1).parameter("realm"));
    }

    @Test
    void parse_emptyOrNull_isEmpty() {
        assertTrue(AuthChallenge.parse((String) null).isEmpty());
        assertTrue(AuthChallenge.parse("").isEmpty());
    }
}
