using System.Linq.Expressions;

namespace BuildGraph;

/// <summary>
/// A build target. Declare one as a property of the build class:
/// <c>Target Compile =&gt; _ =&gt; _.DependsOn(Restore).Executes(() =&gt; ...);</c>
/// </summary>
public delegate ITargetDefinition Target(ITargetDefinition _);

/// <summary>Fluent definition of a target: its relations, conditions and actions.</summary>
public interface ITargetDefinition
{
    /// <summary>Text shown by <c>--help</c>.</summary>
    ITargetDefinition Description(string description);

    /// <summary>Targets that must run (and succeed) before this one; invoking this target schedules them.</summary>
    ITargetDefinition DependsOn(params Target[] targets);

    /// <summary>Orders this target after the given ones when both are scheduled; schedules nothing.</summary>
    ITargetDefinition After(params Target[] targets);

    /// <summary>Orders this target before the given ones when both are scheduled; schedules nothing.</summary>
    ITargetDefinition Before(params Target[] targets);

    /// <summary>Schedules the given targets to run after this one.</summary>
    ITargetDefinition Triggers(params Target[] targets);

    /// <summary>Schedules this target to run after any of the given ones.</summary>
    ITargetDefinition TriggeredBy(params Target[] targets);

    /// <summary>Evaluated before anything runs; when one is false the target (and the dependencies only it needs) is skipped.</summary>
    ITargetDefinition OnlyWhenStatic(params Func<bool>[] conditions);

    /// <summary>Evaluated just before the target runs; when one is false the target is skipped.</summary>
    ITargetDefinition OnlyWhenDynamic(params Func<bool>[] conditions);

    /// <summary>Fails the build before anything runs when one of the parameters (<c>() =&gt; Config</c>) is null or empty.</summary>
    ITargetDefinition Requires(params Expression<Func<object?>>[] parameterRequirements);

    /// <summary>Fails the build before anything runs when one of the conditions is false.</summary>
    ITargetDefinition Requires(params Func<bool>[] conditions);

    /// <summary>When this target fails, the build goes on with the targets that do not depend on it (and still fails at the end).</summary>
    ITargetDefinition ProceedAfterFailure();

    /// <summary>This target runs even after an earlier failure or a cancellation (cleanup, rollback).</summary>
    ITargetDefinition AssuredAfterFailure();

    /// <summary>Hides the target from <c>--help</c> and the list of available targets; it can still be invoked.</summary>
    ITargetDefinition Unlisted();

    ITargetDefinition Executes(Action action);

    ITargetDefinition Executes(Action<CancellationToken> action);

    ITargetDefinition Executes(Func<Task> action);

    ITargetDefinition Executes(Func<CancellationToken, Task> action);
}
