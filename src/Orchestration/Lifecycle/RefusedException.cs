namespace Orchestration.Lifecycle;

/// <summary>A lifecycle step cannot go on (a port is taken, another Start runs, an instance crashed): the message says why and what to do.</summary>
public sealed class RefusedException(string message) : Exception(message);
