package io.jbuild.registry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded retries with exponential backoff and full jitter, for connection errors and the
 * statuses 408, 429 and 5xx. A {@code Retry-After} the registry sends is honoured up to
 * {@code maxDelay}.
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(20));
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts " + maxAttempts + " must be at least 1");
        }
        if (initialDelay == null || maxDelay == null || initialDelay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("retry delays must be zero or positive");
        }
    }

    /** The delay before attempt {@code attempt + 1} (attempt counts from 1): random in [d/2, d], d = initial·2^(attempt-1). */
    Duration delay(int attempt) {
        long base = initialDelay.toMillis();
        long max = maxDelay.toMillis();
        long d = Math.min(max, base << Math.min(20, Math.max(0, attempt - 1)));
        if (d <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1));
    }

    /** The delay for a {@code Retry-After} value in seconds, capped at {@code maxDelay}. */
    Duration retryAfter(long seconds) {
        Duration d = Duration.ofSeconds(Math.max(0, seconds));
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }

    static boolean isRetryableStatus(int status) {
        return status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
    }

    static void sleep(Duration d) throws InterruptedException {
        if (!d.isZero()) {
            Thread.sleep(d.toMillis());
        }
    }
}
