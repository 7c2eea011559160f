namespace C3dNet.Datasets.Synthetic;

/// <summary>How a class moves its shape; each kind has a forward class and its time-reversed twin.</summary>
internal enum MotionKind { TranslateX, TranslateY, Rotate, Scale }

/// <summary>
/// A generated action class. <see cref="Reversed"/> classes are rendered forward and written in
/// reverse frame order, so the two classes of a pair have the same frames and differ only in time.
/// </summary>
internal sealed record MotionClass(string Name, MotionKind Kind, bool Reversed);

internal static class MotionClasses
{
    /// <summary>All classes in the order <c>--classes N</c> takes them (pairs stay together).</summary>
    public static readonly IReadOnlyList<MotionClass> All =
    [
        new("MoveLeft", MotionKind.TranslateX, Reversed: true),
        new("MoveRight", MotionKind.TranslateX, Reversed: false),
        new("MoveUp", MotionKind.TranslateY, Reversed: true),
        new("MoveDown", MotionKind.TranslateY, Reversed: false),
        new("Grow", MotionKind.Scale, Reversed: false),
        new("Shrink", MotionKind.Scale, Reversed: true),
        // Last: at the demo's 56x56 crops a turning textured shape is the hardest pair to tell apart.
        new("RotateClockwise", MotionKind.Rotate, Reversed: false),
        new("RotateCounterClockwise", MotionKind.Rotate, Reversed: true),
    ];

    /// <summary>The first <paramref name="count"/> classes.</summary>
    public static IReadOnlyList<MotionClass> First(int count)
    {
        if (count < 1 || count > All.Count)
            throw new ArgumentException($"the generator has {All.Count} classes; asked for {count}");
        return All.Take(count).ToList();
    }
}
