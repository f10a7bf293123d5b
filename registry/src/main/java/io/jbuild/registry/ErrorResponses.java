package io.jbuild.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Turns a registry's error answer ({@code {"errors":[{"code","message","detail"}]}}) into an exception. */
final class ErrorResponses {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    private ErrorResponses() {
    }

    /**
     * Reads (and closes) the body and builds the exception: {@code <action> <object>: <CODE> <message> (HTTP n)}.
     */
    static RegistryException toException(String action, String object, HttpResponse<InputStream> response) {
        byte[] body;
        try (InputStream in = response.body()) {
            body = in == null ? new byte[0] : in.readNBytes(MAX_BODY);
        } catch (IOException e) {
            body = new byte[0];
        }
        return toException(action, object, response.statusCode(), body);
    }

    static RegistryException toException(String action, String object, int status, byte[] body) {
        String code = null;
        StringBuilder cause = new StringBuilder();
        try {
            JsonNode errors = MAPPER.readTree(body).path("errors");
            for (JsonNode error : errors) {
                String c = error.path("code").asText("");
                if (code == null && !c.isEmpty()) {
                    code = c;
                }
                if (cause.length() > 0) {
                    cause.append("; ");
                }
                cause.append(c);
                String message = error.path("message").asText("");
                if (!message.isEmpty()) {
                    cause.append(' ').append(message);
                }
                JsonNode detail = error.get("detail");
                if (detail != null && !detail.isNull() && !(detail.isObject() && detail.isEmpty())) {
                    cause.append(" (").append(detail.isTextual() ? detail.asText() : detail.toString()).append(')');
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: use the text
        }
        if (cause.length() == 0) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            cause.append(text.isEmpty() ? statusText(status) : abbreviate(text));
        }
        String message = action + " " + object + ": " + cause + " (HTTP " + status + ")";
        if (status == 401 || status == 403 || "UNAUTHORIZED".equals(code) || "DENIED".equals(code)) {
            return new UnauthorizedException(message + "; log in with valid credentials", status, code, null);
        }
        if (status == 404 || (code != null && (code.endsWith("_UNKNOWN")))) {
            return new NotFoundException(message, status, code, null);
        }
        return new RegistryException(message, status, code, null);
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }

    private static String statusText(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not found";
            case 405 -> "method not allowed (the registry does not support this operation)";
            case 416 -> "range not satisfiable";
            case 429 -> "too many requests";
            default -> status >= 500 ? "server error" : "unexpected answer";
        };
    }
}
