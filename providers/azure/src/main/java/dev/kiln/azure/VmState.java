package dev.kiln.azure;

import com.azure.core.util.Context;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.models.InstanceViewStatus;
import com.azure.resourcemanager.compute.models.InstanceViewTypes;
import dev.kiln.api.KilnException;
import dev.kiln.api.Poll;
import dev.kiln.api.Retry;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The VM's state as its instance view tells it (GET with {@code $expand=instanceView}): provisioning Succeeded or
 * Failed, and the {@code PowerState/...} status. Waits poll it on kiln's clock, so a test's fake time drives them.
 */
final class VmState {

    private static final Set<String> STOPPED = Set.of("stopped", "deallocated");

    private final AzureConnection azure;
    private final Retry calls;
    private final Poll poll;

    VmState(AzureConnection azure, Retry calls, Poll poll) {
        this.azure = azure;
        this.calls = calls;
        this.poll = poll;
    }

    /** Provisioned and powered on; a failed provisioning fails at once with ARM's words. */
    VirtualMachineInner running(String vm) throws InterruptedException {
        return poll.until("VM " + vm + " to run", () -> {
            VirtualMachineInner now = get(vm);
            String provisioning = String.valueOf(now.provisioningState()).toLowerCase(Locale.ROOT);
            if (provisioning.equals("failed")) {
                throw KilnException.tried("start VM " + vm, "its provisioning failed: " + problems(now),
                        "look at its serial log with --serial-console; an agentless Generalized image times out "
                                + "(OSProvisioningTimedOut): push it Specialized");
            }
            return provisioning.equals("succeeded") && power(now).equals("running") ? Optional.of(now)
                    : Optional.empty();
        });
    }

    /** Powered off by its guest (stopped) or deallocated. */
    VirtualMachineInner stopped(String vm) throws InterruptedException {
        return poll.until("VM " + vm + " to stop", () -> {
            VirtualMachineInner now = get(vm);
            return STOPPED.contains(power(now)) ? Optional.of(now) : Optional.empty();
        });
    }

    VirtualMachineInner get(String vm) throws InterruptedException {
        return calls.call("get VM " + vm, () -> azure.compute().getVirtualMachines()
                .getByResourceGroupWithResponse(azure.resourceGroup(), vm, InstanceViewTypes.INSTANCE_VIEW,
                        Context.NONE).getValue());
    }

    /** "running", "stopped", "deallocated", "starting"..., or "unknown" before the instance view has one. */
    static String power(VirtualMachineInner vm) {
        return statuses(vm).stream().map(InstanceViewStatus::code).filter(c -> c != null && c.startsWith("PowerState/"))
                .map(c -> c.substring("PowerState/".length()).toLowerCase(Locale.ROOT)).findFirst().orElse("unknown");
    }

    private static List<InstanceViewStatus> statuses(VirtualMachineInner vm) {
        return vm.instanceView() == null || vm.instanceView().statuses() == null ? List.of()
                : vm.instanceView().statuses();
    }

    private static String problems(VirtualMachineInner vm) {
        List<String> out = statuses(vm).stream().filter(s -> s.code() != null && s.code().startsWith("ProvisioningState/"))
                .map(s -> s.code() + (s.message() == null ? "" : " " + s.message())).toList();
        return out.isEmpty() ? "ARM gave no reason" : String.join("; ", out);
    }
}
