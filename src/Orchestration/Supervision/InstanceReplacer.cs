using System.Globalization;
using Orchestration.Health;
using Orchestration.Processes;

namespace Orchestration.Supervision;

/// <summary>
/// Replaces one running instance without a failed request: the replacement starts on another port,
/// must answer healthy, becomes the instance, and only then does the old one drain and stop.
/// nginx lists each instance's configured port and its spare (as a <c>backup</c> server), so a
/// refused connection to whichever has stopped moves on to the other at once.
/// </summary>
internal sealed class InstanceReplacer(SupervisorContext context, ProcessRunner runner)
{
    /// <summary>
    /// Starts <paramref name="spec"/> on <paramref name="port"/>, waits until it is healthy, makes it the
    /// instance, then stops the old one. Null on success; on failure the old one keeps serving.
    /// </summary>
    /// <param name="next">The instance's next shape (Apply: its modules and command may change with the spec); null keeps them.</param>
    public async Task<string?> ReplaceAsync(SupervisedProcess process, ProcessSpec spec, int port, CancellationToken cancellationToken, InstancePlan? next = null)
    {
        var modules = next?.Modules ?? process.Modules;
        var template = next is null ? process.ArgvTemplate : next.ArgvTemplate;
        var replacement = runner.StartChild(WithPort(template, spec, port), out var failure);
        if (replacement is null) return failure;
        try
        {
            var health = await WaitHealthyAsync(process.Name, modules, replacement, port, template is null, cancellationToken).ConfigureAwait(false);
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
        context.Logs.Event($"{process.Name} now runs pid {replacement.Pid} on port {port}");
        return null;
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
