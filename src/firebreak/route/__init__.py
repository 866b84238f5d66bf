"""Route: the decision for one alert — the route tree, severity (scales, presets, thresholds and impact
rules), and muting by maintenance windows, silences and inhibition; stored silences and what to say
before one expires."""
