package dev.kiln.disk.compress;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrderedPipelineTest {

    /**
     * The running task goes on after close() interrupts it, as a native deflate call does, and ends
     * only once the closing thread is either parked waiting for it (the right behaviour) or gone
     * (close returned under a running task: the bug). Events are ordered by latches and thread
     * states, not by how long anything takes.
     */
    @Test
    void closeAfterAFailureWaitsForRunningTasksBeforeTheCallerFreesWhatTheyUse() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interruptedByClose = new AtomicBoolean();
        AtomicBoolean closeReturnedUnderTheTask = new AtomicBoolean();
        AtomicBoolean taskEnded = new AtomicBoolean();
        AtomicBoolean taskEndedBeforeCloseReturned = new AtomicBoolean();
        OrderedPipeline<Integer> pipeline = new OrderedPipeline<>(2, 2, r -> {
            throw new IOException("the consumer failed");
        });
        Thread closer = new Thread(() -> {
            pipeline.close();
            taskEndedBeforeCloseReturned.set(taskEnded.get());
        }, "closer");
        AtomicReference<Thread.State> closerWhenTaskEnded = new AtomicReference<>();

        pipeline.submit(() -> 1);
        pipeline.submit(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS);  // ends when close() interrupts it
            } catch (InterruptedException e) {
                interruptedByClose.set(true);
            }
            Thread.State state;
            while ((state = closer.getState()) != Thread.State.TIMED_WAITING && state != Thread.State.TERMINATED) {
                Thread.onSpinWait();  // busy and deaf to interrupts, as native code is
            }
            closerWhenTaskEnded.set(state);
            closeReturnedUnderTheTask.set(state == Thread.State.TERMINATED);
            taskEnded.set(true);
            return 2;
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(pipeline::finish).hasMessage("the consumer failed");
        closer.start();
        closer.join(TimeUnit.SECONDS.toMillis(60));

        assertThat(closer.isAlive()).as("close() returned").isFalse();
        assertThat(interruptedByClose).as("close() interrupted the running task").isTrue();
        assertThat(closeReturnedUnderTheTask).as("close() returned while the task ran").isFalse();
        assertThat(closerWhenTaskEnded).hasValue(Thread.State.TIMED_WAITING);
        assertThat(taskEndedBeforeCloseReturned).isTrue();
    }
}
