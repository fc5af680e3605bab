package io.pocketgrid.portal.api;

/** The body of every refused API call. */
public record ApiError(String error, String message) {
}
