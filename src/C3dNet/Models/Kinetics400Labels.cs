using C3dNet.Datasets;

namespace C3dNet.Models;

/// <summary>
/// torchvision's Kinetics-400 categories in its order (data/labels/kinetics400_labels.txt, embedded in the library),
/// the class names of its r3d_18 / mc3_18 / r2plus1d_18 weights.
/// </summary>
internal static class Kinetics400Labels
{
    public const int ClassCount = 400;
    private const string Resource = "C3dNet.kinetics400_labels.txt";

    private static readonly Lazy<IReadOnlyList<string>> names = new(() =>
    {
        using var stream = typeof(Kinetics400Labels).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"the library lacks its embedded {Resource}");
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return LabelFile.Parse(lines, Resource);
    });

    /// <summary>The 400 class names, index 0 = "abseiling".</summary>
    public static IReadOnlyList<string> ClassNames => names.Value;

    /// <summary>True when <paramref name="classNames"/> are Kinetics-400's, in its order.</summary>
    public static bool Are(IReadOnlyList<string>? classNames) =>
        classNames is { Count: ClassCount } && classNames.SequenceEqual(ClassNames, StringComparer.Ordinal);
}
