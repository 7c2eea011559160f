using System.Text.RegularExpressions;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Cli;

/// <summary>docs/cli.md (written by docs/make-cli-reference.sh) must list every verb and option the CLI has.</summary>
public partial class CliReferenceTests
{
    [Fact]
    public void Every_verb_and_option_of_the_cli_is_in_docs_cli_md()
    {
        string doc = File.ReadAllText(Path.Combine(RepoRoot.Path, "docs", "cli.md"));
        var (code, rootHelp, _) = CliRunner.Run("--help");
        Assert.Equal(0, code);
        var verbs = rootHelp[rootHelp.IndexOf("Commands:", StringComparison.Ordinal)..]
            .Split('\n').Skip(1).Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => l.Split(' ')[0]).ToList();
        Assert.Contains("train", verbs);
        var missing = new List<string>();
        foreach (var verb in verbs)
        {
            int section = doc.IndexOf($"\n## {verb}\n", StringComparison.Ordinal);
            if (section < 0) { missing.Add(verb); continue; }
            int next = doc.IndexOf("\n## ", section + 4, StringComparison.Ordinal);
            string text = next < 0 ? doc[section..] : doc[section..next];
            var (_, help, _) = CliRunner.Run(verb, "--help");
            foreach (Match m in OptionName().Matches(help))
                if (!Regex.IsMatch(text, $@"{Regex.Escape(m.Value)}\b")) missing.Add($"{verb} {m.Value}");
        }
        Assert.True(missing.Count == 0, $"docs/cli.md is stale (run docs/make-cli-reference.sh); missing: {string.Join(", ", missing)}");
    }

    [GeneratedRegex(@"(?<=^\s+|, )--[a-z][a-z0-9-]*", RegexOptions.Multiline)]
    private static partial Regex OptionName();
}
