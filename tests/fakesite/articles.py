"""The Harbour Ledger's stories: original prose for crawl tests (every town and person is invented)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    slug: str
    section: str  # news | business
    title: str
    author: str
    date: str
    paragraphs: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"/{self.section}/2026/11/{self.slug}.html"


FERRY = Story(
    "ferry-line-reopens",
    "news",
    "Night ferry to Sorrel Island returns after two dry winters",
    "Maren Holt",
    "2026-11-18",
    (
        "The night ferry between Harlow Bay and Sorrel Island will run again from the first week of December, "
        "the harbour authority confirmed on Tuesday, ending a two-year gap that islanders say emptied their "
        "evening shops and kept hospital visitors stranded on the mainland.",
        "The service was suspended when the old vessel, the Brightwater, failed a hull inspection and no "
        "operator bid for the route. A refitted catamaran leased from a northern cooperative will now make "
        "four crossings each night, the last leaving the mainland pier at half past eleven.",
        "Fares stay at the daytime price for residents, while visitors will pay a small supplement after nine "
        "in the evening. The authority said the lease runs for three years and that ticket sales will be "
        "reviewed every spring before the contract is extended.",
        "Ines Kavanagh, who runs the island's only pharmacy, said the decision came just in time for the "
        'winter rota. "Half my staff live across the water," she said. "For two years they slept on sofas '
        'whenever a shift ran late. Tonight I can finally tell them to go home."',
    ),
)

LIBRARY = Story(
    "library-night-hours",
    "news",
    "Central library to stay open until midnight during exam season",
    "Tomas Reyes",
    "2026-11-17",
    (
        "Harlow Bay's central library will keep its reading rooms open until midnight from the middle of "
        "January, after students collected more than two thousand signatures asking for a quiet place to "
        "revise once the cafes close.",
        "The extended hours will run for six weeks on a trial basis. Two security guards and one librarian "
        "will staff the building after ten in the evening, and the second-floor study hall will be the only "
        "part open late, so the lending desk and the children's wing will close at the usual time.",
        "Councillor Agnes Whitlow said the trial would cost about eighteen thousand in wages and heating, "
        "paid from an unspent line of the youth services budget. Attendance will be counted every night, and "
        "the council will decide in March whether to repeat the scheme in the summer term.",
        "Students who organised the petition said the library's fast internet and long tables matter most to "
        'those who share small flats. "Not everyone has a desk at home," said Lena Marsh, a nursing student. '
        '"This is the difference between revising and just worrying."',
    ),
)

BAKERY = Story(
    "bakery-cooperative",
    "business",
    "Bakers form a cooperative to buy flour together as prices climb",
    "Odile Fenn",
    "2026-11-16",
    (
        "Eleven independent bakeries in Harlow Bay and the surrounding villages have formed a purchasing "
        "cooperative, pooling their orders of flour, butter and packaging in an attempt to resist a year of "
        "steadily rising wholesale prices.",
        "The group, registered last week as the Coastal Bakers Cooperative, expects to save between eight "
        "and twelve percent on its largest costs by ordering full lorry loads directly from a mill in the "
        "river valley instead of buying sacks from regional distributors.",
        "Members keep their own shops, recipes and prices. They share a rented storeroom near the ring road, "
        "and a part-time coordinator will handle orders and deliveries each Monday. Joining costs a single "
        "share of five hundred, refundable if a member leaves after the first year.",
        "Paolo Grint, whose family has run a bakery on Quay Street since the nineteen-sixties, said the "
        'cooperative was a matter of survival rather than ambition. "The supermarkets buy flour by the '
        'trainload," he said. "On our own we are invisible. Together we are at least a customer the mill '
        'picks up the phone for."',
    ),
)

WIND = Story(
    "wind-farm-tender",
    "business",
    "Offshore wind tender draws five bidders for the Grey Shoal site",
    "Maren Holt",
    "2026-11-15",
    (
        "Five consortia have submitted bids to build and operate a wind farm on the Grey Shoal, twelve "
        "kilometres off the Harlow Bay coast, the regional energy agency said on Monday as the tender closed.",
        "The site could host up to forty turbines with a combined capacity of about six hundred megawatts, "
        "enough, according to the agency, to supply the electricity used by every household in the region "
        "over a year. Construction would start no earlier than 2029, once seabed surveys and bird studies "
        "are complete.",
        "The tender rewards bidders who commit to assembling foundations in the old shipyard basin, which "
        "has stood mostly empty since the last dry dock closed. Local unions have asked that at least half "
        "of the construction jobs go to workers trained in the region's technical colleges.",
        "Fishing associations remain cautious. Their spokesman, Rolf Aster, said crews want guarantees that "
        'cable routes will avoid the prawn grounds south of the shoal. "We are not against turbines," he '
        'said. "We are against finding out where the cables went after they are already buried."',
    ),
)

RIVER = Story(
    "river-cleanup",
    "news",
    "Volunteers pull three tonnes of rubbish from the Lenne in one weekend",
    "Tomas Reyes",
    "2026-11-14",
    (
        "More than four hundred volunteers waded, paddled and raked along the banks of the river Lenne over "
        "the weekend, removing what organisers estimate to be three tonnes of rubbish from the stretch "
        "between the old mill and the estuary.",
        "Shopping trolleys, a sunken rowing boat and dozens of tyres were hauled out with the help of a "
        "crane lent by a local builder. Most of the haul, however, was plastic: bottles, food wrappers and "
        "fragments of agricultural sheeting washed down from the fields upstream after the autumn floods.",
        "The clean-up was coordinated by the Friends of the Lenne, a group founded six years ago by a "
        "retired biology teacher. Its members record every item they find, and the data are passed to the "
        "water authority, which uses them to decide where to place new litter traps.",
        'Organiser Birgit Halloran said the number of young volunteers had doubled since last year. "The '
        'river used to be something people drove over," she said. "Now school classes adopt a bend of it. '
        'That changes what ends up in the water far more than any single weekend."',
    ),
)

TRAM = Story(
    "tram-depot",
    "news",
    "New tram depot on the eastern edge will double the fleet's winter shelter",
    "Odile Fenn",
    "2026-11-13",
    (
        "Construction of a new tram depot on former railway land at the eastern edge of Harlow Bay began "
        "this week, and the transport company says it will allow every tram in the fleet to be kept indoors "
        "on frosty nights for the first time.",
        "At present a third of the trams are parked in the open at the Carrow Road terminus, where drivers "
        "spend the first half hour of winter mornings scraping ice from pantographs and windscreens. The new "
        "hall will hold twenty-four vehicles, with a workshop long enough to lift two trams at once.",
        "The project costs forty-one million, most of it covered by a national grant for low-emission "
        "transport. Solar panels on the roof are expected to provide about a fifth of the depot's own "
        "electricity, and rainwater will be collected to wash the vehicles.",
        "Residents of the nearby Fernhill estate had objected to night-time noise, and the company agreed to "
        "build an earth bank planted with trees along the boundary. Site manager Dorota Veil said the bank "
        "would be finished before the track is laid, so the neighbours hear the trees before the trams.",
    ),
)

GARDEN = Story(
    "school-garden",
    "news",
    "Primary school turns its car park into a vegetable garden",
    "Maren Holt",
    "2026-11-12",
    (
        "Pupils at Saltmarsh Primary School have spent the autumn breaking up the tarmac of their staff car "
        "park, which will reopen in spring as a vegetable garden with raised beds, a small orchard and a "
        "greenhouse built from recycled windows.",
        "Teachers agreed to park in a church yard two streets away after the head teacher, Clara Dunmore, "
        "proposed the idea at a staff meeting last year. Parents and a landscaping firm donated soil, "
        "timber and two weekends of labour, and the school's budget covered the greenhouse frame.",
        "Each class will look after its own bed, and the kitchen has promised to cook whatever the children "
        "manage to grow. The school plans to sell surplus produce at the summer fair and put the money "
        "toward seeds and tools for the following year.",
        'Nine-year-old Amir Castell said he was most looking forward to the strawberries. "We planted them '
        'where Mr Hobb used to park his van," he said. "He says he doesn\'t mind, because he is allowed to '
        'have some of the strawberries too."',
    ),
)

# What the school-garden page says after its edit (the server's toggle): a correction and news.
GARDEN_EDITED = Story(
    GARDEN.slug,
    GARDEN.section,
    GARDEN.title,
    GARDEN.author,
    GARDEN.date,
    GARDEN.paragraphs[:3]
    + (
        'Nine-year-old Amir Castell said he was most looking forward to the strawberries. "We planted them '
        'where Mr Hobb used to park his van," he said. "He says he doesn\'t mind, because he is allowed to '
        'have some of the strawberries too."',
        "Correction: an earlier version of this article said the greenhouse was paid for from the school's "
        "budget. It was funded by the parents' association, which raised the money at its autumn quiz night. "
        "The school has since also received a grant for a rain barrel and a compost bay.",
    ),
)

MUSEUM = Story(
    "museum-archive",
    "news",
    "Maritime museum opens its photo archive to the public",
    "Tomas Reyes",
    "2026-11-11",
    (
        "The Harlow Bay Maritime Museum has put fourteen thousand photographs from its archive online, "
        "covering a century of shipbuilding, fishing and emigration through the town's harbour.",
        "Most of the images come from the glass plates of a studio that worked on the quay from the eighteen-"
        "nineties until the nineteen-fifties. Volunteers spent four years scanning them, and retired "
        "dockworkers helped identify vessels, places and, in a few cases, their own grandparents.",
        "Visitors to the website can search by ship name, street or decade, and the museum invites anyone "
        "who recognises a face to leave a note. Curator Henrike Saal said dozens of families had already "
        "written in during the test phase, some with letters and diaries that now sit alongside the photos.",
        "The museum plans an exhibition of the best-loved pictures next summer, chosen by votes on the "
        'website. "We thought we were digitising glass," Saal said. "It turns out we were collecting '
        'memories, and the town is handing us more of them every day."',
    ),
)

MARKET = Story(
    "market-hall",
    "business",
    "Covered market hall finds tenants for every stall after renovation",
    "Odile Fenn",
    "2026-11-10",
    (
        "Every one of the thirty-two stalls in Harlow Bay's renovated market hall has been let ahead of its "
        "reopening next month, the city's property department said, a turnaround for a building that was "
        "half empty when it closed for repairs two years ago.",
        "The renovation replaced the leaking glass roof, added a cold store shared by the fishmongers and "
        "cut the rents of stalls on the upper gallery, which traders had long complained were invisible to "
        "shoppers downstairs. Opening hours will be extended to eight in the evening on Thursdays and Fridays.",
        "New tenants include a cheese maker from the hills, a noodle bar run by two former ship cooks and a "
        "repair stall for bicycles and small appliances. Eleven traders who were in the hall before the "
        "works chose to return, and they keep their old places near the main entrance.",
        "Property director Yusuf Brandt said the council had resisted offers to turn the hall into a food "
        'court. "People asked us for a market, with sawdust and haggling," he said. "We kept the rents '
        'modest so that it stays one, and the waiting list suggests we were right."',
    ),
)

CRANES = Story(
    "port-cranes",
    "business",
    "Port replaces diesel cranes with electric ones on the container quay",
    "Maren Holt",
    "2026-11-09",
    (
        "The port of Harlow Bay has retired the last of its diesel cranes on the container quay, replacing "
        "them with four electric models that draw power from a new substation behind the terminal.",
        "The port company says the change will cut the quay's fuel bill by more than half and remove a "
        "source of noise that residents of the harbour flats have complained about for decades, particularly "
        "during night shifts when ships are unloaded to meet the morning tide.",
        "Crane operators spent six weeks training on a simulator before the switch. The new cabs are higher "
        "and have heated floors, and a camera system lets the operator see the corners of each container "
        "without leaning out of the window, which the union says will reduce neck injuries.",
        "The old cranes have been sold to a scrap dealer, except one, which a group of former dockers hopes "
        "to preserve as a monument on the promenade. Port director Sanne Holm said she would support the "
        'idea "as long as someone else pays for the paint".',
    ),
)

STORIES = (FERRY, LIBRARY, BAKERY, WIND, RIVER, TRAM, GARDEN, MUSEUM, MARKET, CRANES)

SHORT_BRIEF = Story(
    "short-brief",
    "news",
    "Road closed",
    "Desk",
    "2026-11-18",
    ("Harbour Road is closed on Sunday morning for a charity run.",),
)
