package io.jbuild.builder;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** kill(2), for the one signal the JDK cannot send: SIGSTOP. */
final class Signals {
    private static final int SIGSTOP = 19;

    private interface C extends Library {
        C INSTANCE = Native.load("c", C.class);

        int kill(int pid, int signal);
    }

    private Signals() {
    }

    /** Stops the process (so that it forks no more) until it is killed; false when it could not be signalled. */
    static boolean stop(long pid) {
        try {
            return C.INSTANCE.kill((int) pid, SIGSTOP) == 0;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }
}
