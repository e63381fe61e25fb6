package dev.kiln.aws;

import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code run aws}: find the image, start one instance, wait for it, attach volumes, report its
 * addresses, and on request follow the console, wait for power-off and terminate. A failure or
 * Ctrl-C terminates the instance unless {@code --keep}.
 */
final class AwsRun {

    private final AwsConnection aws;
    private final RunSettings settings;
    private final Policies policies;
    private final Events events;

    AwsRun(AwsConnection aws, RunSettings settings, Policies policies, Events events) {
        this.aws = aws;
        this.settings = settings;
        this.policies = policies;
        this.events = events;
    }

    RunResult run(RunRequest request) throws InterruptedException {
        events.phase("check credentials");
        new CallerIdentity(aws.sts()).account();
        Ec2Client ec2 = aws.ec2();
        Image image = call("find image " + request.image(), () -> new ImageLookup(ec2).find(request.image(), aws.region()));
        events.info("image " + image.imageId() + " (" + image.name() + ")");
        if (request.dryRun()) {
            return dryRun(ec2, image, request);
        }
        Cleanup cleanup = new Cleanup(events, AwsErrors::rootMessage);
        try {
            return started(ec2, image, request, cleanup);
        } catch (InterruptedException | RuntimeException e) {
            throw AwsErrors.failed("run " + image.imageId() + " in " + aws.region(), e, cleanup);
        }
    }

    private RunResult started(Ec2Client ec2, Image image, RunRequest request, Cleanup cleanup)
            throws InterruptedException {
        events.phase("start instance");
        String id = new LaunchInstance(ec2).launch(image, request.name(), settings, false);
        if (!settings.keep()) {
            cleanup.add("instance " + id, "aws ec2 terminate-instances --region " + aws.region() + " --instance-ids "
                    + id, () -> terminate(ec2, id));
        }
        InstanceState state = new InstanceState(ec2, policies.poll());
        List<Resource> created = new ArrayList<>(List.of(Resource.of("instance", id, aws.region())));
        if (settings.waitFor() == Lifecycle.Wait.NONE && !settings.rm() && !settings.console()
                && settings.volumes().isEmpty()) {
            cleanup.clear();
            events.info("instance " + id + " started; not waiting for it (--wait none)");
            return RunResult.builder("aws", id).location(aws.region()).state("pending").created(created).build();
        }
        Instance running = state.running(id);
        attachVolumes(ec2, id);
        Map<String, String> addresses = InstanceState.addresses(running);
        events.info("instance " + id + " is running " + addresses);
        String last = watch(ec2, id, state);
        boolean removed = false;
        if (settings.rm()) {
            events.phase("terminate");
            terminate(ec2, id);
            state.terminated(id);
            removed = true;
            last = "terminated";
        }
        cleanup.clear();
        return RunResult.builder("aws", id).location(aws.region()).state(last).addresses(addresses).created(created)
                .removed(removed).build();
    }

    /** --follow-console follows the console until the instance stops; --wait stopped waits, then prints it. */
    private String watch(Ec2Client ec2, String id, InstanceState state) throws InterruptedException {
        ConsoleOutput console = new ConsoleOutput(ec2, events);
        if (settings.console()) {
            events.phase("console");
            while (true) {
                console.follow(id);
                Optional<Instance> now = state.describe(id);
                if (now.isPresent() && now.get().state().name() != InstanceStateName.RUNNING
                        && now.get().state().name() != InstanceStateName.PENDING) {
                    console.follow(id);
                    return now.get().state().nameAsString();
                }
                policies.poll().sleeper().sleep(policies.poll().interval());
            }
        }
        if (settings.waitFor() == Lifecycle.Wait.STOPPED) {
            events.phase("wait for the guest to power off");
            Instance stopped = state.stopped(id);
            console.read(id).lines().forEach(l -> events.info("console: " + l));
            return stopped.state().nameAsString();
        }
        return "running";
    }

    private void attachVolumes(Ec2Client ec2, String id) {
        char device = (char) ('f' + settings.disks().size());
        for (String volume : settings.volumes()) {
            String name = "/dev/sd" + device++;
            ec2.attachVolume(b -> b.instanceId(id).volumeId(volume).device(name));
            events.info("attached " + volume + " as " + name);
        }
    }

    private RunResult dryRun(Ec2Client ec2, Image image, RunRequest request) {
        try {
            new LaunchInstance(ec2).launch(image, request.name(), settings, true);
        } catch (AwsServiceException e) {
            if (!"DryRunOperation".equals(AwsErrors.code(e))) {
                throw AwsErrors.map("check a run of " + image.imageId(), e);
            }
        }
        events.info("dry run: EC2 says RunInstances of " + image.imageId() + " as " + settings.instanceType()
                + " would succeed");
        return RunResult.builder("aws", "").location(aws.region()).state("dry-run").build();
    }

    private static void terminate(Ec2Client ec2, String id) {
        ec2.terminateInstances(b -> b.instanceIds(id));
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
}
