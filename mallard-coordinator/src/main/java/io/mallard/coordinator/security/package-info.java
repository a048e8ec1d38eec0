/**
 * Users, roles, per-table grants and the coordinator's signed bearer tokens: {@link io.mallard.coordinator.security.UserStore}
 * keeps users in the metadata database, {@link io.mallard.coordinator.security.AccessControl} decides what a caller may
 * do, {@link io.mallard.coordinator.security.TokenService} issues and checks tokens.
 */
package io.mallard.coordinator.security;
