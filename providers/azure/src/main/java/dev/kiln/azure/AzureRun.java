package dev.kiln.azure;

import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.models.DataDisk;
import com.azure.resourcemanager.compute.models.DiskUpdate;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.api.Retry;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code run azure}: resolve the image, make the network (NSG, VNet, public IP, NIC), PUT the VM with
 * {@code deleteOption=Delete} on its disks, NIC and public IP, wait for it to run (or stop), tag its disks, report
 * its addresses and on request its serial log, and with {@code --rm} delete the VM (which takes its disks, NIC and
 * public IP along) and then the NSG and VNet kiln made. A failure or Ctrl-C removes everything made, newest first,
 * unless {@code --keep}. A dry run checks the flags and sends nothing.
 */
final class AzureRun {

    private static final String COMMAND = "run azure";

    private final ProviderContext context;
    private final Options options;
    private final Events events;

    AzureRun(ProviderContext context) {
        this.context = context;
        this.options = context.options();
        this.events = context.events();
    }

    RunResult run(RunRequest request) throws InterruptedException {
        VmPlan plan = VmPlan.of(options, request);
        AzureConnection.Place place = AzureConnection.Place.of(options, COMMAND);
        if (request.dryRun()) {
            events.info("dry run: would start " + plan.describe(place.location()) + ", in resource group "
                    + place.resourceGroup() + "; nothing was sent to Azure");
            return RunResult.builder("azure", plan.vm()).location(place.location()).state("dry-run").build();
        }
        AzureConnection azure = AzureConnection.open(options, context.env(), COMMAND);
        Retry calls = context.retry().classifier(AzureErrors::classify).build();
        RunImage.Resolved image = new RunImage(azure, calls, options).resolve(plan.image());
        VmSpec.of(plan, image, "", azure.location());
        checkFree(azure, calls, plan);
        Retry cleanupRetry = context.cleanupRetry(calls);
        Cleanup cleanup = new Cleanup(events, AzureErrors::reason);
        try {
            return started(azure, calls, cleanupRetry, cleanup, plan, image);
        } catch (RuntimeException | InterruptedException e) {
            throw failed(azure, plan, cleanup, e);
        }
    }

    private RunResult started(AzureConnection azure, Retry calls, Retry cleanupRetry, Cleanup cleanup, VmPlan plan,
                              RunImage.Resolved image) throws InterruptedException {
        String rg = azure.resourceGroup();
        events.phase("network");
        VmNetwork.Made network = new VmNetwork(azure, calls, cleanupRetry, cleanup, context.cancel()).create(plan);
        context.cancel().throwIfCancelled();
        events.phase("create VM");
        events.info("starting " + plan.describe(azure.location()));
        VirtualMachineInner spec = VmSpec.of(plan, image, network.nicId(), azure.location());
        calls.call("create VM " + plan.vm(),
                () -> azure.compute().getVirtualMachines().beginCreateOrUpdate(rg, plan.vm(), spec));
        String manual = "az vm delete -y -g " + rg + " -n " + plan.vm();
        Cleanup.Handle vm = cleanup.add("VM " + plan.vm() + " with its disks, NIC and public IP", manual,
                () -> deleteVm(azure, cleanupRetry, plan));
        List<Resource> created = new ArrayList<>(network.resources());
        created.add(Resource.of("vm", azure.id("Microsoft.Compute", "virtualMachines", plan.vm()), azure.location()));
        created.add(Resource.of("disk", azure.diskId(plan.osDisk()), azure.location()));
        plan.disks().forEach(d -> created.add(Resource.of("disk", azure.diskId(d.name()), azure.location())));
        if (plan.waitFor() == Lifecycle.Wait.NONE) {
            cleanup.clear();
            events.info("VM " + plan.vm() + " is being created; not waiting for it (--wait none); remove it with '"
                    + manual + "'");
            return result(azure, plan, "creating", Map.of(), created, Optional.empty(), false);
        }
        VmState state = new VmState(azure, calls, context.poll(plan.poll(), plan.timeout(), "pass a longer --timeout"));
        events.phase("wait for VM");
        VirtualMachineInner running = state.running(plan.vm());
        tagDisks(azure, calls, plan, running);
        Map<String, String> addresses = VmNetwork.addresses(azure, calls, plan);
        events.info("VM " + plan.vm() + " is running " + addresses);
        String last = "running";
        if (plan.waitFor() == Lifecycle.Wait.STOPPED) {
            events.phase("wait for the guest to power off");
            last = VmState.power(state.stopped(plan.vm()));
        }
        Optional<Path> log = Optional.empty();
        if (plan.console()) {
            events.phase("serial log");
            log = new BootLog(azure, calls, events).show(plan.vm(), plan.consoleLog());
        }
        if (plan.rm()) {
            events.phase("delete VM");
            removeNow(vm);
            for (Cleanup.Handle h : reversed(network.handles())) {
                removeNow(h);
            }
            events.info("removed VM " + plan.vm() + " and everything made with it (--rm)");
            last = "deleted";
        }
        cleanup.clear();
        return result(azure, plan, last, addresses, created, log, plan.rm());
    }

    private RunResult result(AzureConnection azure, VmPlan plan, String state, Map<String, String> addresses,
                             List<Resource> created, Optional<Path> log, boolean removed) {
        RunResult.Builder b = RunResult.builder("azure", azure.id("Microsoft.Compute", "virtualMachines", plan.vm()))
                .location(azure.location()).state(state).addresses(addresses).created(created).removed(removed);
        log.ifPresent(b::consoleLog);
        return b.build();
    }

    /** A PUT on an existing VM would change it: a name in use is refused before anything is made. */
    private static void checkFree(AzureConnection azure, Retry calls, VmPlan plan) throws InterruptedException {
        try {
            calls.call("look for VM " + plan.vm(), () -> azure.compute().getVirtualMachines()
                    .getByResourceGroup(azure.resourceGroup(), plan.vm()));
        } catch (RuntimeException e) {
            if (AzureErrors.notFound(e)) {
                return;
            }
            throw e;
        }
        throw KilnException.usage("A VM named " + plan.vm() + " already exists in resource group "
                + azure.resourceGroup() + "; pass another --name, or remove it with 'az vm delete -y -g "
                + azure.resourceGroup() + " -n " + plan.vm() + "'");
    }

    /** Disks made from the VM's PUT carry no tags of their own: they get the run's here. */
    private static void tagDisks(AzureConnection azure, Retry calls, VmPlan plan, VirtualMachineInner vm)
            throws InterruptedException {
        List<String> disks = new ArrayList<>();
        if (vm.storageProfile() != null && vm.storageProfile().osDisk() != null
                && vm.storageProfile().osDisk().name() != null) {
            disks.add(vm.storageProfile().osDisk().name());
        } else {
            disks.add(plan.osDisk());
        }
        if (vm.storageProfile() != null && vm.storageProfile().dataDisks() != null
                && !vm.storageProfile().dataDisks().isEmpty()) {
            vm.storageProfile().dataDisks().stream().map(DataDisk::name).forEach(disks::add);
        } else {
            plan.disks().forEach(d -> disks.add(d.name()));
        }
        for (String disk : disks) {
            calls.call("tag disk " + disk, () -> azure.compute().getDisks().update(azure.resourceGroup(), disk,
                    new DiskUpdate().withTags(plan.tags())));
        }
    }

    /** Deleting the VM deletes its OS and data disks, NIC and public IP (deleteOption=Delete). */
    private static void deleteVm(AzureConnection azure, Retry retry, VmPlan plan) throws InterruptedException {
        AzurePush.gone(retry, "delete VM " + plan.vm(),
                () -> azure.compute().getVirtualMachines().delete(azure.resourceGroup(), plan.vm()));
    }

    /** --rm: on purpose, newest first; a step that fails stays registered, so the failure path reports it. */
    private static void removeNow(Cleanup.Handle handle) throws InterruptedException {
        try {
            handle.undoNow();
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> out = new ArrayList<>(list);
        java.util.Collections.reverse(out);
        return out;
    }

    private KilnException failed(AzureConnection azure, VmPlan plan, Cleanup cleanup, Exception e) {
        String what = "run VM " + plan.vm() + " in " + azure.location();
        String undone;
        if (plan.keep() && !cleanup.isEmpty()) {
            undone = "kept (--keep): " + String.join(", ", cleanup.pending());
            cleanup.clear();
        } else {
            undone = cleanup.undo();
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new KilnException(COMMAND + " was interrupted" + (undone.isEmpty() ? "" : "; " + undone), e);
        }
        String after = undone.isEmpty() ? "nothing had been made in Azure" : undone;
        if (e instanceof KilnException k) {
            return k.isUsage() ? k : new KilnException(k.getMessage() + "; " + after, k);
        }
        String remedy = AzureErrors.remedy(e, azure.resourceGroup());
        return KilnException.tried(what, AzureErrors.reason(e), (remedy.isEmpty() ? "" : remedy + "; ") + after, e);
    }
}
