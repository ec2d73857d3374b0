using System.Globalization;
using Orchestration.Health;
using Orchestration.Processes;

namespace Orchestration.Supervision;

/// <summary>
/// Replaces one running instance without a failed request: the replacement starts beside it, must
/// answer healthy, becomes the instance, and only then does the old one drain and stop. Two ways:
/// <list type="bullet">
/// <item>On another port: nginx lists each instance's configured port and its spare (as a
/// <c>backup</c> server), so a refused connection to whichever has stopped moves on to the other at
/// once. A Restart or reload moves onto the spare port and back: two starts.</item>
/// <item>With the instance's own listening socket (<see cref="HandedSockets"/>, servers with
/// <c>socket_handoff: true</c>): old and new accept from one queue on the configured port, which never
/// closes; the replacement's health is checked on a socket of its own. One start.</item>
/// </list>
/// </summary>
internal sealed class InstanceReplacer(SupervisorContext context, ProcessRunner runner)
{
    /// <summary>
    /// Starts <paramref name="spec"/> on <paramref name="port"/>, waits until it is healthy, makes it the
    /// instance, then stops the old one. Null on success; on failure the old one keeps serving.
    /// </summary>
    /// <param name="next">The instance's next shape (Apply: its modules and command may change with the spec); null keeps them.</param>
    /// <param name="sockets">The sockets to hand to the replacement (<see cref="RenewAsync"/>); <paramref name="port"/> is then the instance's own. Disposed here.</param>
    public async Task<string?> ReplaceAsync(SupervisedProcess process, ProcessSpec spec, int port, CancellationToken cancellationToken, InstancePlan? next = null,
        HandedSockets? sockets = null)
    {
        var modules = next?.Modules ?? process.Modules;
        var template = next is null ? process.ArgvTemplate : next.ArgvTemplate;
        ChildProcess? replacement;
        string? failure;
        // The child has its own copies once started: ours close at once, so that the health socket
        // refuses as soon as a replacement that never answered has exited.
        using (sockets) replacement = runner.StartChild(WithPort(template, spec, port), out failure, sockets);
        if (replacement is null) return failure;
        try
        {
            var health = await WaitHealthyAsync(process.Name, modules, replacement, sockets?.HealthPort ?? port, template is null, cancellationToken).ConfigureAwait(false);
            if (health is not null)
            {
                await runner.StopChildAsync(replacement, cancellationToken).ConfigureAwait(false);
                // Its last lines (why it failed) are in its log before anyone reads them.
                await Task.WhenAny(replacement.OutputClosed, Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken)).ConfigureAwait(false);
                context.Logs.Flush();
                return health;
            }
        }
        catch (OperationCanceledException)
        {
            await runner.StopChildAsync(replacement, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        var old = process.Child;
        await runner.AdoptAsync(process, replacement, cancellationToken).ConfigureAwait(false);
        lock (context.StateGate)
        {
            process.Port = port;
            process.Modules = modules;
            process.ArgvTemplate = template;
        }
        if (old is not null) await runner.StopChildAsync(old, cancellationToken).ConfigureAwait(false);
        if (sockets is not null && !replacement.HasExited && PortOwners.ListeningDescriptor(replacement.Pid, port) is null)
        {
            // The old program closed the shared socket for everyone when it stopped (a shutdown(2) or
            // disconnect on a socket it held); nobody accepts on the port now. A start on the port
            // itself puts it right.
            context.Logs.Event($"{process.Name}: port {port} stopped listening when pid {old?.Pid} stopped; starting it again on the port", "ERROR");
            return await ReplaceAsync(process, process.Spec, port, cancellationToken).ConfigureAwait(false);
        }
        context.Logs.Event($"{process.Name} now runs pid {replacement.Pid} on port {port}{(sockets is null ? "" : " (its listening socket handed over)")}");
        return null;
    }

    /// <summary>
    /// Replaces <paramref name="process"/> with a new start of <paramref name="spec"/>: with its own
    /// listening socket handed over when its server takes handed sockets (done), else onto its spare
    /// port, after which <see cref="SupervisedProcess.Port"/> is not the configured one and the caller
    /// moves it back with <see cref="ReplaceAsync"/> (Restart and a watch reload do it in different orders).
    /// </summary>
    public Task<string?> RenewAsync(SupervisedProcess process, ProcessSpec spec, CancellationToken cancellationToken, InstancePlan? next = null)
    {
        var sockets = TryHandOff(process);
        return ReplaceAsync(process, spec, sockets is null ? process.SparePort : process.ConfiguredPort, cancellationToken, next, sockets);
    }

    /// <summary>
    /// The sockets to replace <paramref name="process"/> with its own listening socket, when its server
    /// takes handed sockets and it serves on its configured port; null otherwise (then it moves to its
    /// spare port and back), with the reason logged when the copy was refused.
    /// </summary>
    private HandedSockets? TryHandOff(SupervisedProcess process)
    {
        int pid;
        lock (context.StateGate)
        {
            if (!process.SocketHandOff || process.Port != process.ConfiguredPort || process.Child is not { HasExited: false } child) return null;
            pid = child.Pid;
        }
        var sockets = HandedSockets.For(pid, process.ConfiguredPort, process.SparePort, out var why);
        if (sockets is null) context.Logs.Event($"{process.Name}: its listening socket cannot be handed over ({why}); the replacement starts on port {process.SparePort} and moves back", "WARN");
        return sockets;
    }

    /// <summary>Null once every module of <paramref name="child"/> answers healthy on <paramref name="port"/>; else why not.</summary>
    /// <param name="listensItself">A .NET project (JIT or native) binds its port itself; a command may hand it to a helper.</param>
    public async Task<string?> WaitHealthyAsync(string name, IReadOnlyList<string> modules, ChildProcess child, int port, bool listensItself, CancellationToken cancellationToken)
    {
        using var probe = new HealthProbe();
        var target = HealthTarget.Instance(name, child.Pid, port, context.Plan.ApiBaseUrl, modules,
            () => child.HasExited ? $"{name} (pid {child.Pid}) exited: {child.Exited.Result}" : null,
            listensItself);
        var failures = await new HealthWaiter(probe, context.Plan.Health).WaitAllAsync([target], cancellationToken).ConfigureAwait(false);
        return failures.Count == 0 ? null : failures[0].Reason;
    }

    /// <summary>The spec with every mention of the listening port moved to <paramref name="port"/>.</summary>
    public static ProcessSpec WithPort(IReadOnlyList<string>? argvTemplate, ProcessSpec spec, int port)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string>(spec.Environment)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{portText}",
            ["PORT"] = portText,
        };
        var argv = argvTemplate is { } template ? template.Select(a => a.Replace("{port}", portText, StringComparison.Ordinal)).ToList() : spec.Argv;
        return spec with { Argv = argv, Environment = env };
    }
}
