using System.Linq.Expressions;
using System.Reflection;
using BuildGraph.Parameters;

namespace BuildGraph.Graph;

/// <summary>Collects what a target's definition function declares; <see cref="TargetGraph"/> resolves it into a node.</summary>
internal sealed class TargetDefinition : ITargetDefinition
{
    public string? DescriptionText { get; private set; }
    public List<Target> Dependencies { get; } = [];
    public List<Target> AfterTargets { get; } = [];
    public List<Target> BeforeTargets { get; } = [];
    public List<Target> TriggerTargets { get; } = [];
    public List<Target> TriggeredByTargets { get; } = [];
    public List<Func<bool>> StaticConditions { get; } = [];
    public List<Func<bool>> DynamicConditions { get; } = [];
    public List<Requirement> Requirements { get; } = [];
    public List<Func<CancellationToken, Task>> Actions { get; } = [];
    public bool IsProceedAfterFailure { get; private set; }
    public bool IsAssuredAfterFailure { get; private set; }
    public bool IsUnlisted { get; private set; }

    public ITargetDefinition Description(string description) => With(() => DescriptionText = description);
    public ITargetDefinition DependsOn(params Target[] targets) => With(() => Dependencies.AddRange(targets));
    public ITargetDefinition After(params Target[] targets) => With(() => AfterTargets.AddRange(targets));
    public ITargetDefinition Before(params Target[] targets) => With(() => BeforeTargets.AddRange(targets));
    public ITargetDefinition Triggers(params Target[] targets) => With(() => TriggerTargets.AddRange(targets));
    public ITargetDefinition TriggeredBy(params Target[] targets) => With(() => TriggeredByTargets.AddRange(targets));
    public ITargetDefinition OnlyWhenStatic(params Func<bool>[] conditions) => With(() => StaticConditions.AddRange(conditions));
    public ITargetDefinition OnlyWhenDynamic(params Func<bool>[] conditions) => With(() => DynamicConditions.AddRange(conditions));
    public ITargetDefinition ProceedAfterFailure() => With(() => IsProceedAfterFailure = true);
    public ITargetDefinition AssuredAfterFailure() => With(() => IsAssuredAfterFailure = true);
    public ITargetDefinition Unlisted() => With(() => IsUnlisted = true);

    public ITargetDefinition Requires(params Expression<Func<object?>>[] parameterRequirements) =>
        With(() => Requirements.AddRange(parameterRequirements.Select(Requirement.ForParameter)));

    public ITargetDefinition Requires(params Func<bool>[] conditions) =>
        With(() => Requirements.AddRange(conditions.Select((c, i) => Requirement.ForCondition(c, i + 1))));

    public ITargetDefinition Executes(Action action) =>
        With(() => Actions.Add(_ => { action(); return Task.CompletedTask; }));

    public ITargetDefinition Executes(Action<CancellationToken> action) =>
        With(() => Actions.Add(ct => { action(ct); return Task.CompletedTask; }));

    public ITargetDefinition Executes(Func<Task> action) => With(() => Actions.Add(_ => action()));

    public ITargetDefinition Executes(Func<CancellationToken, Task> action) => With(() => Actions.Add(action));

    private TargetDefinition With(Action change)
    {
        change();
        return this;
    }
}

/// <summary>A precondition checked before anything runs. <see cref="Problem"/> returns null when it is met.</summary>
internal sealed record Requirement(string Text, Func<string?> Problem)
{
    public static Requirement ForCondition(Func<bool> condition, int index) =>
        new($"condition #{index}", () => condition() ? null : $"requirement #{index} (a Requires condition) is false");

    public static Requirement ForParameter(Expression<Func<object?>> expression)
    {
        var body = expression.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : expression.Body;
        if (body is not MemberExpression member)
            throw new BuildUsageException($"Requires({expression}) must name a parameter member, like Requires(() => Config).");

        var attribute = member.Member.GetCustomAttribute<ParameterAttribute>();
        var option = "--" + Names.ToKebab(attribute?.Name ?? member.Member.Name);
        var read = ValueReader(member, expression);
        return new Requirement($"parameter '{option}'", () => IsMissing(read())
            ? $"parameter '{option}' is required (pass {option} <value>, set {Names.ToEnvironment(attribute?.Name ?? member.Member.Name)} or add it to .nuke/parameters.json)"
            : null);
    }

    private static Func<object?> ValueReader(MemberExpression member, Expression<Func<object?>> expression)
    {
        // () => Config captures `this` as a constant: read the member directly instead of compiling the expression.
        if (member.Expression is ConstantExpression { Value: var owner })
        {
            return member.Member switch
            {
                FieldInfo field => () => field.GetValue(owner),
                PropertyInfo property => () => property.GetValue(owner),
                _ => expression.Compile(),
            };
        }

        return expression.Compile();
    }

    private static bool IsMissing(object? value) => value switch
    {
        null => true,
        string text => string.IsNullOrWhiteSpace(text),
        Array array => array.Length == 0,
        _ => false,
    };
}
