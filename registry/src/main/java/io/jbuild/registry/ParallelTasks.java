package io.jbuild.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs blob transfers on a small pool; the first failure is rethrown as it was, the rest are cancelled. */
final class ParallelTasks {
    @FunctionalInterface
    interface Task<T> {
        T call() throws RegistryException;
    }

    private ParallelTasks() {
    }

    static <T> List<T> run(List<Task<T>> tasks, int parallelism, String what) throws RegistryException {
        if (tasks.isEmpty()) {
            return List.of();
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, tasks.size())), r -> {
            Thread t = new Thread(r, what + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Task<T> task : tasks) {
                Callable<T> c = task::call;
                futures.add(pool.submit(c));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    futures.forEach(other -> other.cancel(true));
                    if (e.getCause() instanceof RegistryException re) {
                        throw re;
                    }
                    if (e.getCause() instanceof RuntimeException rt) {
                        throw rt;
                    }
                    throw new RegistryException(what + ": " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    futures.forEach(other -> other.cancel(true));
                    throw new RegistryException(what + ": interrupted", e);
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
