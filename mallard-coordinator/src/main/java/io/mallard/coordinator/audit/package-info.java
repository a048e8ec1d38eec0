/** The tamper-evident audit log: who did what, from where, when, and how it ended, in a SHA-256 chain. */
package io.mallard.coordinator.audit;
