package dev.kiln.azure;

import dev.kiln.api.CancelToken;
import dev.kiln.spi.Made;
import dev.kiln.spi.Provider;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

import java.util.List;

/** One Azure command. */
final class AzureProvider implements Provider {

    private final ProviderContext context;

    AzureProvider(ProviderContext context) {
        this.context = context;
    }

    @Override
    public PushResult push(PushRequest request) throws InterruptedException {
        return new AzurePush(context).push(request);
    }

    @Override
    public RunResult run(RunRequest request) throws InterruptedException {
        return new AzureRun(context).run(request);
    }

    @Override
    public List<Made> list(Made.Kind kind) throws InterruptedException {
        return inventory("ls azure", inventory -> inventory.list(kind));
    }

    @Override
    public List<Made> find(String idOrName) throws InterruptedException {
        return inventory("rm azure", inventory -> inventory.find(idOrName));
    }

    @Override
    public List<Resource> remove(Made made) throws InterruptedException {
        return inventory("rm azure", inventory -> inventory.remove(made));
    }

    private interface Step<T> {
        T on(AzureInventory inventory) throws InterruptedException;
    }

    /** Ctrl-C interrupts the command's thread, which the SDK's blocking calls and kiln's retries answer. */
    private <T> T inventory(String command, Step<T> step) throws InterruptedException {
        AzureConnection azure = AzureConnection.open(context.options(), context.env(), command);
        Thread caller = Thread.currentThread();
        try (CancelToken.Registration r = context.cancel().onCancel(caller::interrupt)) {
            return step.on(new AzureInventory(azure, context.retry().classifier(AzureErrors::classify).build(),
                    context.events()));
        } catch (RuntimeException e) {
            if (e instanceof dev.kiln.api.KilnException) {
                throw e;
            }
            String remedy = AzureErrors.remedy(e, azure.resourceGroup());
            throw dev.kiln.api.KilnException.tried(command + " in resource group " + azure.resourceGroup(),
                    AzureErrors.reason(e), remedy.isEmpty() ? "try again" : remedy, e);
        } finally {
            if (context.cancel().isCancelled()) {
                Thread.interrupted();
            }
        }
    }
}
