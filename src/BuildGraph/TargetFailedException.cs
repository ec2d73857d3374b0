namespace BuildGraph;

/// <summary>Throw from a target to fail it with a clean message (logged without a stack trace).</summary>
public sealed class TargetFailedException(string message) : Exception(message);

/// <summary>A mistake in the invocation or the build definition (unknown target, bad value, cycle): reported, nothing runs.</summary>
internal sealed class BuildUsageException(string message) : Exception(message);
