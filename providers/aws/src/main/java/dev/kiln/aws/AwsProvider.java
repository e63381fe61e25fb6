package dev.kiln.aws;

import dev.kiln.api.CancelToken;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One {@code push aws} or {@code run aws}; the SDK clients live as long as the command. Ctrl-C (the context's
 * cancel token) interrupts the command's thread: the SDK's blocking HTTP calls and kiln's worker pools answer
 * interrupts, so that is how a blocked call returns.
 */
final class AwsProvider implements Provider {

    /** Run waits for instance states this long unless --timeout says otherwise. */
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(60);
    private static final Pattern IMAGE_ID = Pattern.compile("ami-[0-9a-f]{8,17}");
    private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8,17}");

    private final ProviderContext context;

    AwsProvider(ProviderContext context) {
        this.context = context;
    }

    @Override
    public PushResult push(PushRequest request) throws InterruptedException {
        PushSettings settings = PushSettings.from(context.options(), request);
        Policies policies = Policies.of(context, interval(), settings.waitTimeout(), "raise --wait-timeout");
        try (AwsConnection aws = AwsConnection.open(context); CancelToken.Registration r = interruptOnCancel()) {
            return new AwsPush(aws, settings, policies, context.conversions(), context.events()).push(request);
        } finally {
            clearOwnInterrupt();
        }
    }

    @Override
    public RunResult run(RunRequest request) throws InterruptedException {
        RunSettings settings = RunSettings.from(context.options(), request);
        Policies policies = Policies.of(context, interval(), request.lifecycle().timeoutOr(RUN_TIMEOUT),
                "raise --timeout");
        try (AwsConnection aws = AwsConnection.open(context); CancelToken.Registration r = interruptOnCancel()) {
            return new AwsRun(aws, settings, policies, context.events()).run(request);
        } finally {
            clearOwnInterrupt();
        }
    }

    @Override
    public List<Made> list(Made.Kind kind) throws InterruptedException {
        try (AwsConnection aws = AwsConnection.open(context); CancelToken.Registration r = interruptOnCancel()) {
            String action = "list the " + kind.plural() + " kiln made in " + aws.region();
            return call(action, () -> kind == Made.Kind.IMAGE ? new KilnImages(aws.ec2(), aws.region()).all()
                    : new KilnInstances(aws.ec2(), aws.region()).all());
        } finally {
            clearOwnInterrupt();
        }
    }

    /** An ami- or i- id as it is; else the images, then the instances, kiln named so. */
    @Override
    public List<Made> find(String idOrName) throws InterruptedException {
        try (AwsConnection aws = AwsConnection.open(context); CancelToken.Registration r = interruptOnCancel()) {
            KilnImages images = new KilnImages(aws.ec2(), aws.region());
            KilnInstances instances = new KilnInstances(aws.ec2(), aws.region());
            return call("find " + idOrName + " in " + aws.region(), () -> {
                if (IMAGE_ID.matcher(idOrName).matches()) {
                    return images.byId(idOrName);
                }
                if (INSTANCE_ID.matcher(idOrName).matches()) {
                    return instances.byId(idOrName);
                }
                List<Made> found = new ArrayList<>(images.named(idOrName));
                found.addAll(instances.named(idOrName));
                return found;
            });
        } finally {
            clearOwnInterrupt();
        }
    }

    @Override
    public List<Resource> remove(Made made) throws InterruptedException {
        Duration timeout = context.options().duration(AwsOptions.WAIT).orElseThrow();
        try (AwsConnection aws = AwsConnection.open(context); CancelToken.Registration r = interruptOnCancel()) {
            return new RemoveMade(aws.ec2(), aws.region(), context.poll(interval(), timeout, "raise --wait-timeout"),
                    context.events()).remove(made);
        } finally {
            clearOwnInterrupt();
        }
    }

    private static <T> T call(String action, java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (KilnException e) {
            throw e;
        } catch (RuntimeException e) {
            throw AwsErrors.map(action, e);
        }
    }

    private Duration interval() {
        return context.options().duration(AwsOptions.POLL).orElseThrow();
    }

    private CancelToken.Registration interruptOnCancel() {
        Thread caller = Thread.currentThread();
        return context.cancel().onCancel(caller::interrupt);
    }

    /** The interrupt this provider raised for a cancel is spent: the caller sees the cancel in the error. */
    private void clearOwnInterrupt() {
        if (context.cancel().isCancelled()) {
            Thread.interrupted();
        }
    }
}
