package dev.kiln.config;

/** A network interface the LinuxKit runtime creates or moves for a container. */
public record InterfaceSpec(String name, String add, String peer, boolean createInRoot) {
}
