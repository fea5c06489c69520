/** Cross-cutting only: problem+json mapping, typed config, clock, idempotency, embedded infrastructure. */
package io.shoreloop.platform;
