package dev.kiln.disk.compress;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrderedPipelineTest {

    @Test
    void closeAfterAFailureWaitsForRunningTasksBeforeTheCallerFreesWhatTheyUse() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean stillRunningAfterClose = new AtomicBoolean();
        AtomicBoolean closed = new AtomicBoolean();
        OrderedPipeline<Integer> pipeline = new OrderedPipeline<>(2, 2, r -> {
            throw new IOException("the consumer failed");
        });
        try (pipeline) {
            pipeline.submit(() -> 1);
            pipeline.submit(() -> {
                started.countDown();
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait(); // busy, as a native deflate call is: interrupts do not stop it
                }
                stillRunningAfterClose.set(closed.get());
                return 2;
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(pipeline::finish).hasMessage("the consumer failed");
        }
        closed.set(true);

        Thread.sleep(400);
        assertThat(stillRunningAfterClose).isFalse();
    }
}
