package io.jbuild.registry;

import io.jbuild.layerstore.Descriptor;

import java.nio.ByteBuffer;
import java.net.http.HttpRequest;
import java.util.concurrent.Flow;

/**
 * Byte counting for one blob, reported to a {@link TransferListener} at most every
 * {@link TransferListener#PROGRESS_INTERVAL_NANOS}. Used by one transfer thread at a time (the
 * HTTP client may deliver upload buffers from its own threads, one after the other).
 */
final class BlobProgress {
    /** Counts nothing. */
    static final BlobProgress NONE = new BlobProgress(TransferListener.NONE, null);

    private final TransferListener listener;
    private final Descriptor blob;
    private volatile long done;
    private long lastReport;

    BlobProgress(TransferListener listener, Descriptor blob) {
        this.listener = listener;
        this.blob = blob;
        this.lastReport = System.nanoTime() - TransferListener.PROGRESS_INTERVAL_NANOS;
    }

    /** Sets the byte count (after a restart it may be lower than before). */
    void set(long bytesDone) {
        if (this == NONE) {
            return;
        }
        done = bytesDone;
        long now = System.nanoTime();
        if (now - lastReport >= TransferListener.PROGRESS_INTERVAL_NANOS) {
            lastReport = now;
            listener.progress(blob, bytesDone);
        }
    }

    void add(long bytes) {
        if (this != NONE) {
            set(done + bytes);
        }
    }

    /** Reports the final count, unthrottled. */
    void finish(long bytesDone) {
        if (this != NONE) {
            done = bytesDone;
            listener.progress(blob, bytesDone);
        }
    }

    /**
     * A body that counts the bytes it hands to the HTTP client, starting at {@code offset}
     * (the chunk's position in the blob); the delegate's buffers pass through untouched.
     */
    HttpRequest.BodyPublisher counting(HttpRequest.BodyPublisher body, long offset) {
        if (this == NONE) {
            return body;
        }
        return new HttpRequest.BodyPublisher() {
            @Override
            public long contentLength() {
                return body.contentLength();
            }

            @Override
            public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
                set(offset);
                body.subscribe(new Flow.Subscriber<ByteBuffer>() {
                    @Override
                    public void onSubscribe(Flow.Subscription subscription) {
                        subscriber.onSubscribe(subscription);
                    }

                    @Override
                    public void onNext(ByteBuffer item) {
                        int n = item.remaining();
                        subscriber.onNext(item);
                        add(n);
                    }

                    @Override
                    public void onError(Throwable throwable) {
                        subscriber.onError(throwable);
                    }

                    @Override
                    public void onComplete() {
                        subscriber.onComplete();
                    }
                });
            }
        };
    }
}
