"""Marketing: what each source and campaign cost per month (entered by marketers), and what it
brought: leads, won deals and revenue, cost per lead and per won deal, return on spend, and
the cost of each funnel stage a campaign's deals reached."""
