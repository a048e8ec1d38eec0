/**
 * Security primitives shared by every Mallard process: TLS material made by {@code mallard
 * bootstrap}, Argon2id password hashes, user credentials and join tokens, signed shard URLs,
 * constant-time secret comparison, and the CPU and memory limits the process runs under.
 */
package io.mallard.common.security;
