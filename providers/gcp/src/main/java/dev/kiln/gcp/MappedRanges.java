package dev.kiln.gcp;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Unmaps a file mapping at once instead of at some later garbage collection. A mapping already
 * sent is otherwise counted in the process's resident set until the collector finds it, which
 * with a small, quiet heap means the whole file. {@code sun.misc.Unsafe.invokeCleaner}
 * (module jdk.unsupported) is the JDK's own way to do it; where it is missing the mapping simply
 * waits for the collector.
 *
 * <p>Only call it when nothing can read the buffer again: here, once the blocking write that took
 * it has returned.
 */
final class MappedRanges {

    private static final Object UNSAFE = unsafe();
    private static final Method CLEANER = cleaner();

    private MappedRanges() {
    }

    static void unmap(ByteBuffer mapped) {
        if (CLEANER == null) {
            return;
        }
        try {
            CLEANER.invoke(UNSAFE, mapped);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // left to the garbage collector, which unmaps it as well
        }
    }

    private static Method cleaner() {
        try {
            return UNSAFE == null ? null : UNSAFE.getClass().getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Object unsafe() {
        try {
            Field f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
