package io.jbuild.registry;

import io.jbuild.layerstore.Descriptor;

/**
 * Hears about the blobs of a {@link Puller} or {@link Pusher} transfer. Calls come from the
 * transfer threads, several blobs at once, so implementations must be thread-safe and quick.
 * {@link #progress} is throttled: at most every {@link #PROGRESS_INTERVAL_NANOS} per blob, plus
 * once with the full size before {@link #done}.
 */
public interface TransferListener {
    /** The shortest time between two {@link #progress} calls for one blob. */
    long PROGRESS_INTERVAL_NANOS = 100_000_000L;

    /** Ignores everything. */
    TransferListener NONE = new TransferListener() {
    };

    /** How a blob got to its destination. */
    enum Outcome {
        /** The destination had it already. */
        SKIPPED,
        /** The registry mounted it from another repository. */
        MOUNTED,
        /** Its bytes were sent or received. */
        TRANSFERRED
    }

    /** The blob's transfer begins (before checking whether the destination has it). */
    default void started(Descriptor blob) {
    }

    /** {@code bytesDone} of the blob's {@code size()} bytes have been sent or received (it may go back after a retry). */
    default void progress(Descriptor blob, long bytesDone) {
    }

    /** The blob is at its destination. */
    default void done(Descriptor blob, Outcome outcome) {
    }
}
