package dev.kiln.config;

/**
 * One entry of the {@code files} section. {@code contents} is null when not written (an empty
 * string is a real, empty file). {@code mode} is octal text or null.
 */
public record FileSpec(String path, boolean directory, String symlink, String contents, String source,
                       String metadata, boolean optional, String mode, IdRef uid, IdRef gid, Position position) {
}
