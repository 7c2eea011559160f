using System.Globalization;

namespace C3dNet.Sharding;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (1-based, 1 &lt;= Index &lt;= Count): which part of a long per-input job
/// this process does. <c>1/1</c> is the whole job. Parsed from <c>--shard I/N</c>, or from a batch scheduler's environment
/// with <c>--shard auto</c> / <c>--shard auto/N</c> (<see cref="SchedulerShard"/>).
/// </summary>
internal readonly record struct ShardSpec
{
    public const string Auto = "auto";

    /// <summary>The whole job in one process.</summary>
    public static readonly ShardSpec Whole = new(1, 1);

    public ShardSpec(int index, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "a shard count must be at least 1");
        if (index < 1 || index > count) throw new ArgumentOutOfRangeException(nameof(index), index, $"a shard index must be between 1 and the count {count}");
        Index = index;
        Count = count;
    }

    public int Index { get; }
    public int Count { get; }

    public bool IsWhole => Count == 1;

    /// <summary>"3/7", the form <c>--shard</c> takes.</summary>
    public override string ToString() => $"{Index}/{Count}";

    /// <summary>
    /// Parses <c>I/N</c>, <c>auto</c> or <c>auto/N</c>; <paramref name="environment"/> (the process environment in the CLI, a
    /// dictionary in tests) is read only for <c>auto</c>. <paramref name="origin"/> says where the shard came from, for logs.
    /// </summary>
    /// <exception cref="ArgumentException">The text is not a valid shard, or <c>auto</c> found no usable scheduler variables; the message says why and what to write.</exception>
    public static ShardSpec Parse(string text, IReadOnlyDictionary<string, string> environment, out string origin)
    {
        string t = text.Trim();
        if (t.Length == 0) throw Invalid(text, "it is empty");
        int slash = t.IndexOf('/');
        string left = slash < 0 ? t : t[..slash];
        string? right = slash < 0 ? null : t[(slash + 1)..];
        if (right is not null && right.Contains('/')) throw Invalid(text, "it has more than one '/'");

        if (left.Equals(Auto, StringComparison.OrdinalIgnoreCase))
        {
            int? count = right is null ? null : ParseNumber(text, right, "the shard count N");
            if (count is < 1) throw Invalid(text, $"the shard count N is {count}; it must be at least 1");
            var resolved = SchedulerShard.Resolve(count, environment);
            origin = resolved.Origin;
            return resolved.Shard;
        }

        if (right is null) throw Invalid(text, "it has no '/' (write I/N, e.g. 2/8, or auto)");
        int index = ParseNumber(text, left, "the shard number I");
        int n = ParseNumber(text, right, "the shard count N");
        if (n < 1) throw Invalid(text, $"the shard count N is {n}; it must be at least 1");
        if (index < 1) throw Invalid(text, $"the shard number I is {index}; shards are numbered from 1 to N");
        if (index > n) throw Invalid(text, $"the shard number {index} is larger than the shard count {n}; shards are numbered from 1 to N");
        origin = "given explicitly";
        return new ShardSpec(index, n);
    }

    public static ShardSpec Parse(string text, IReadOnlyDictionary<string, string> environment) => Parse(text, environment, out _);

    private static int ParseNumber(string text, string part, string what)
    {
        if (part.Length == 0) throw Invalid(text, $"{what} is missing");
        // Digits only, with an optional leading '-' so that negative numbers are named as such: no '+', spaces or separators.
        string digits = part.StartsWith('-') ? part[1..] : part;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) throw Invalid(text, $"{what} '{part}' is not a whole number");
        if (!int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            throw Invalid(text, $"{what} '{part}' is too large");
        return value;
    }

    private static ArgumentException Invalid(string text, string problem) =>
        new($"--shard '{text}': {problem}. Expected I/N with 1 <= I <= N (e.g. 3/8), auto (a Slurm job array) or auto/N (a Kubernetes Indexed Job with N completions).");
}
