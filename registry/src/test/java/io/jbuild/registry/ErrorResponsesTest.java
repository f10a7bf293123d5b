package io.jbuild.registry;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorResponsesTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void toException_manifestUnknown_notFoundWithCodeAndObject() {
        RegistryException e = ErrorResponses.toException("pull manifest", "r.example/a/b:v1", 404,
                utf8("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{\"Tag\":\"v1\"}}]}"));
        assertInstanceOf(NotFoundException.class, e);
        assertEquals("MANIFEST_UNKNOWN", e.code());
        assertEquals("pull manifest r.example/a/b:v1: MANIFEST_UNKNOWN manifest unknown ({\"Tag\":\"v1\"}) (HTTP 404)",
                e.getMessage());
    }

    @Test
    void toException_unauthorized_unauthorizedWithRemedy() {
        RegistryException e = ErrorResponses.toException("push", "blob sha256:ab in r/x", 401,
                utf8("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}"));
        assertInstanceOf(UnauthorizedException.class, e);
        assertTrue(e.getMessage().startsWith("push blob sha256:ab in r/x: UNAUTHORIZED authentication required (HTTP 401)"));
    }

    @Test
    void toException_denied403_unauthorized() {
        assertInstanceOf(UnauthorizedException.class, ErrorResponses.toException("push", "x", 403,
                utf8("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}")));
    }

    @Test
    void toException_nonJsonBody_usesTextOrStatus() {
        RegistryException html = ErrorResponses.toException("pull", "x", 502, utf8("<html>\n bad gateway </html>"));
        assertEquals("pull x: <html> bad gateway </html> (HTTP 502)", html.getMessage());
        assertEquals(null, html.code());
        assertEquals("pull x: method not allowed (the registry does not support this operation) (HTTP 405)",
                ErrorResponses.toException("pull", "x", 405, new byte[0]).getMessage());
    }

    @Test
    void toException_severalErrors_allListed() {
        RegistryException e = ErrorResponses.toException("push manifest", "x", 400, utf8(
                "{\"errors\":[{\"code\":\"MANIFEST_BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\",\"detail\":\"sha256:aa\"},"
                        + "{\"code\":\"MANIFEST_INVALID\",\"message\":\"bad\"}]}"));
        assertEquals("MANIFEST_BLOB_UNKNOWN", e.code());
        assertTrue(e.getMessage().contains("MANIFEST_BLOB_UNKNOWN blob unknown to registry (sha256:aa); MANIFEST_INVALID bad"),
                e.getMessage());
    }
}
