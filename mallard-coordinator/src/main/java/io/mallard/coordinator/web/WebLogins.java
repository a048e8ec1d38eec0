package io.mallard.coordinator.web;

import io.mallard.coordinator.server.Identity;

/**
 * How the web page logs users in: the same password check, throttle, lockout and audit as a Flight login, and the same
 * signed token, which the page keeps in a cookie.
 */
public interface WebLogins {
    /** A login: who, and the signed token that stands for it. */
    record Login(Identity identity, String token) {
    }

    /** Checks the password and issues a token; refused with a {@code MallardException} (AUTHENTICATION_FAILED…). */
    Login login(String user, char[] password, String address);

    /** The user a token stands for, checked as on every Flight call; refused with a {@code MallardException}. */
    Identity verify(String token, String address);
}
