package dev.pyramidkv.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the server refuses, reported as OpenAI does: an HTTP status and
 * {@code {"error": {"message", "type", "param", "code"}}}, so OpenAI clients raise their usual exceptions.
 */
final class ApiException extends RuntimeException {
    final int status;
    final String type;
    final String param;
    final String code;
    /** Seconds the client should wait before retrying (429 and 503), 0 for none. */
    final int retryAfter;

    private ApiException(int status, String type, String param, String code, String message, int retryAfter) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** 400: a field is missing, of the wrong type or out of range. */
    static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, null, message, 0);
    }

    /** 400 with an OpenAI error code, e.g. {@code context_length_exceeded}. */
    static ApiException invalid(String param, String code, String message) {
        return new ApiException(400, "invalid_request_error", param, code, message, 0);
    }

    static ApiException modelNotFound(String model, String served) {
        return new ApiException(404, "invalid_request_error", "model", "model_not_found",
                "The model '" + model + "' does not exist; this server serves '" + served + "'", 0);
    }

    /** 408: the client was too slow to send its request. */
    static ApiException timeout(String message) {
        return new ApiException(408, "invalid_request_error", null, "request_timeout", message, 0);
    }

    /** 429: the admission queue is full. */
    static ApiException busy(String message) {
        return new ApiException(429, "rate_limit_error", null, "queue_full", message, 1);
    }

    /** 503: the server is shutting down. */
    static ApiException unavailable(String message) {
        return new ApiException(503, "server_error", null, "shutting_down", message, 5);
    }

    ObjectNode body() {
        return body(getMessage(), type, param, code);
    }

    static ObjectNode body(String message, String type, String param, String code) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }
}
