"""slotbench.report.footprint - "Footprint per scenario": bytes per object
at the peak, slab heap across the profiles and every allocator at the main
profile.
"""


def section(ctx):
    return ctx.table_by(
        "Footprint per scenario: bytes per object at the peak",
        lambda r: r and r.get("bytes_per_object"), "%.1f",
        "The heap's accounting at the peak divided by the live objects (medians).  RSS growth "
        "per object is in bench.csv (`rss_delta_per_object`) and the footprint chart.")
