package io.pocketgrid.portal.api;

import java.io.IOException;

/** Raised while reading a request body that grows past the API's limit. */
public final class BodyTooLargeException extends IOException {

    BodyTooLargeException(long limit) {
        super("the body is larger than the " + limit + " bytes accepted");
    }
}
