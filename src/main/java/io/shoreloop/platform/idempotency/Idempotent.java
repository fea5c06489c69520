package io.shoreloop.platform.idempotency;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a state-changing resource method whose effect must happen once per {@code Idempotency-Key}: a retry with
 * the same key and the same request returns the first answer; the same key with another request is {@code 422}.
 * The key is recorded in the same transaction as the effect, so a crash can never leave one without the other.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Idempotent {}
