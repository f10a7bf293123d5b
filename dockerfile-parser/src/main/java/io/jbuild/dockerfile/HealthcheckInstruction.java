package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/**
 * {@code HEALTHCHECK NONE} or {@code HEALTHCHECK [options] CMD command}. {@code test} is {@code
 * ["NONE"]}, {@code ["CMD", args...]} or {@code ["CMD-SHELL", line]}; durations are zero and
 * retries 0 when not given.
 */
public record HealthcheckInstruction(Location location, String original, List<String> test,
                                     java.time.Duration interval, java.time.Duration timeout,
                                     java.time.Duration startPeriod, java.time.Duration startInterval,
                                     int retries) implements Instruction {
    public HealthcheckInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        test = List.copyOf(test);
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(startPeriod, "startPeriod");
        Objects.requireNonNull(startInterval, "startInterval");
    }

    @Override
    public Keyword keyword() {
        return Keyword.HEALTHCHECK;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }
}
