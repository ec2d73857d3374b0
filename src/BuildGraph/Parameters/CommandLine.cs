namespace BuildGraph.Parameters;

/// <summary>One <c>--option</c> with the values that follow it up to the next option.</summary>
internal sealed record CommandLineOption(string Raw, IReadOnlyList<string> Values)
{
    public string Key => Names.Key(Raw);
}

/// <summary>The raw command line: leading positional words (target names) and options with their values.</summary>
internal sealed record CommandLine(IReadOnlyList<string> Positional, IReadOnlyList<CommandLineOption> Options)
{
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        var options = new List<CommandLineOption>();
        string? current = null;
        var values = new List<string>();
        foreach (var arg in args)
        {
            if (IsOption(arg))
            {
                if (current is not null)
                    options.Add(new CommandLineOption(current, values));
                current = arg.TrimStart('-');
                values = [];
            }
            else if (current is null)
            {
                positional.Add(arg);
            }
            else
            {
                values.Add(arg);
            }
        }

        if (current is not null)
            options.Add(new CommandLineOption(current, values));
        return new CommandLine(positional, options);
    }

    public CommandLineOption? Find(string name) => Options.LastOrDefault(o => o.Key == Names.Key(name));

    public bool Has(string name) => Find(name) is not null;

    /// <summary>"-x" and "--x" are options; "-1" is a value.</summary>
    private static bool IsOption(string arg) => arg.Length > 1 && arg[0] == '-' && char.IsLetter(arg.TrimStart('-').FirstOrDefault());
}
