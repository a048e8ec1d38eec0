package io.mallard.coordinator.web;

import io.mallard.coordinator.server.Identity;

/** A web request's logged-in user (as the token says now) and their web session. */
record WebCaller(Identity identity, WebSession session) {
}
