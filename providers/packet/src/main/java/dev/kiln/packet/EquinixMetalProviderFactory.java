package dev.kiln.packet;

/** {@code kiln push equinixmetal}: the packet provider under the name LinuxKit has used since 2024. */
public final class EquinixMetalProviderFactory extends PacketProviderFactory {

    @Override
    public String name() {
        return "equinixmetal";
    }

    @Override
    public String summary() {
        return "alias of packet: " + super.summary();
    }
}
