using System.Reflection;

namespace BuildGraph.Graph;

/// <summary>The targets of a build in declaration order, with every relation resolved to a target of the graph.</summary>
internal sealed class TargetGraph
{
    private readonly Dictionary<string, TargetNode> _byName;

    public TargetGraph(IEnumerable<TargetNode> targets)
    {
        var declared = targets.OrderBy(t => t.Order).ToList();
        var canonical = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var target in declared)
        {
            if (!canonical.TryAdd(target.Name, target.Name))
                throw new BuildUsageException($"Target '{target.Name}' is declared twice.");
        }

        IReadOnlyList<string> Canonical(TargetNode owner, IEnumerable<string> names) => names
            .Select(name => canonical.TryGetValue(name, out var found)
                ? found
                : throw new BuildUsageException($"Target '{owner.Name}' refers to '{name}', which is not a target."))
            .Distinct()
            .ToList();

        Targets = declared
            .Select(t => t with { DependsOn = Canonical(t, t.DependsOn), After = Canonical(t, t.After), Triggers = Canonical(t, t.Triggers) })
            .ToList();
        _byName = Targets.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<TargetNode> Targets { get; }

    public TargetNode this[string name] => _byName[name];

    public TargetNode? Find(string name) => _byName.GetValueOrDefault(name);

    public IEnumerable<TargetNode> Listed => Targets.Where(t => t.Listed);

    /// <summary>
    /// Builds the graph from named target delegates: each is invoked once with a fresh definition, and the
    /// delegates it refers to are matched by method (a property getter returns a new but equal delegate each call).
    /// </summary>
    public static TargetGraph FromDelegates(IReadOnlyList<(string Name, Target Target)> targets)
    {
        var names = new Dictionary<MethodInfo, string>();
        foreach (var (name, target) in targets)
            names.TryAdd(target.Method, name);

        var definitions = targets.Select(t => (t.Name, Definition: Define(t.Name, t.Target))).ToList();
        string Resolve(string owner, Target reference) =>
            names.TryGetValue(reference.Method, out var name)
                ? name
                : throw new BuildUsageException($"Target '{owner}' refers to a target that is not a Target property of the build.");

        var before = definitions
            .SelectMany(d => d.Definition.BeforeTargets.Select(b => (Of: Resolve(d.Name, b), Runs: d.Name)))
            .ToLookup(x => x.Of, x => x.Runs);
        var triggeredBy = definitions
            .SelectMany(d => d.Definition.TriggeredByTargets.Select(b => (Of: Resolve(d.Name, b), Triggers: d.Name)))
            .ToLookup(x => x.Of, x => x.Triggers);

        return new TargetGraph(definitions.Select((d, order) =>
        {
            var def = d.Definition;
            return new TargetNode(d.Name, order)
            {
                Description = def.DescriptionText,
                Listed = !def.IsUnlisted,
                DependsOn = Distinct(def.Dependencies.Select(t => Resolve(d.Name, t))),
                After = Distinct(def.AfterTargets.Select(t => Resolve(d.Name, t)).Concat(before[d.Name])),
                Triggers = Distinct(def.TriggerTargets.Select(t => Resolve(d.Name, t)).Concat(triggeredBy[d.Name])),
                StaticConditions = def.StaticConditions,
                DynamicConditions = def.DynamicConditions,
                Requirements = def.Requirements,
                Actions = def.Actions,
                ProceedAfterFailure = def.IsProceedAfterFailure,
                AssuredAfterFailure = def.IsAssuredAfterFailure,
            };
        }));
    }

    private static TargetDefinition Define(string name, Target target)
    {
        var definition = new TargetDefinition();
        if (!ReferenceEquals(target(definition), definition))
            throw new BuildUsageException($"Target '{name}' must return the definition it was given (_ => _.Executes(...)).");
        return definition;
    }

    private static IReadOnlyList<string> Distinct(IEnumerable<string> names) => names.Distinct().ToList();
}
