package dev.kiln.aws;

import dev.kiln.api.CancelToken;
import dev.kiln.api.Poll;
import dev.kiln.api.Retry;
import dev.kiln.spi.ProviderContext;

import java.time.Duration;

/**
 * kiln's one retry and poll policy, set up for AWS once per command: {@link AwsErrors} classifies failures.
 *
 * @param calls   idempotent calls (reads, calls with a client token, uploads of a part or block)
 * @param blocks  PutSnapshotBlock, which also retries "not found" (awslabs/coldsnap#43)
 * @param cleanup undo steps, which must run after Ctrl-C too, so they ignore the command's cancel token
 * @param poll    waits for snapshots, imports, images and instances
 * @param cancel  the command's Ctrl-C
 */
record Policies(Retry calls, Retry blocks, Retry cleanup, Poll poll, CancelToken cancel) {

    static Policies of(ProviderContext context, Duration interval, Duration timeout, String remedy) {
        Retry calls = context.retry().classifier(AwsErrors::classify).build();
        return new Policies(calls, calls.toBuilder().classifier(AwsErrors::classifyOrNotFound).build(),
                context.cleanupRetry(calls),
                context.poll(interval, timeout, remedy), context.cancel());
    }

    Policies withTimeout(Duration timeout, String remedy) {
        return new Policies(calls, blocks, cleanup, new Poll(poll.clock(), poll.sleeper(), poll.interval(), timeout,
                remedy), cancel);
    }
}
