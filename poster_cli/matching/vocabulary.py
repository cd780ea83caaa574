"""General menu vocabulary: one concept per line, words in Ukrainian, Russian and English.

These are translations a transliteration cannot find (чай ↔ tea, вареники ↔ dumplings). They are
ordinary food and drink words, not any one venue's menu. Each word is normalised with the same
pipeline as names, so spelling and inflection variants fall together; the first word names the
concept. Phrases (two words) are matched before single words.
"""

CONCEPTS = """
кава кофе coffee
чай tea
сік сок juice
вода water
молоко milk молочний молочный
вершки сливки cream вершковий сливочный creamy сливок
цукор сахар sugar
мед мёд honey
лимон lemon
лимонад lemonade
апельсин orange апельсиновий апельсиновый
яблуко яблоко apple яблучний яблочный
вишня cherry вишневий вишневый
полуниця клубника strawberry полуничний клубничный
малина raspberry малиновий малиновый
чорниця черника blueberry лохина голубика
шоколад chocolate шоколадний шоколадный
ваніль ваниль vanilla ванільний ванильный
кокос coconut кокосовий кокосовый
мигдаль миндаль almond мигдальний миндальный
горіх орех nut горіховий ореховый nuts
фундук hazelnut
зелений зеленый green
чорний черный black
білий белый white вайт
червоний красный red
гарячий горячий hot
холодний холодный cold iced ice айс
морозиво мороженое icecream
суп soup
суші суши sushi nigiri нігірі нигири
салат salad
курка курятина курица куриный курячий chicken курча курчатко цыпленок цыплёнок
яловичина говядина beef яловичий говяжий
свинина pork свинячі свиные свинячий свиной
телятина veal телячий телячі телячья
качка утка duck качиний утиный
індичка индейка turkey
лосось salmon сьомга семга лососем
тунець тунец tuna тунцом тунцем тунца магуро maguro
вугор угорь eel угрем угря вугрем унагі unagi
креветка креветки shrimp shrimps prawn prawns ебі ebi
кальмар squid calamari
мідії мидии mussels
риба рыба fish рибний рыбный
гриби грибы грибами mushroom mushrooms шампіньйони шампиньоны печериці champignons
сир сыр cheese сирний сырный formaggi творог творожный curd чіз чиз
картопля картофель potato potatoes картопляний
фрі фри fries
рис rice
локшина лапша noodles
вареники dumplings
пельмені пельмени pelmeni
млинці блины блинчики pancakes crepes панкейки pancake млинець млинчики
сирники сырники syrniki
деруни драники
яйце яйцо egg eggs тамаго tamago
хліб хлеб bread
бекон bacon
шинка ветчина ham
ковбаса колбаса sausage ковбаски колбаски сосиски
томат помідор помидор tomato tomatoes томатний томатный
огірок огурец cucumber огурцом огірком огурца каппа kappa
цибуля лук onion цибулеві луковые
часник чеснок garlic часниковий чесночный
перець перец pepper
овочі овощи vegetables овочевий овощной
фрукти фрукты fruit fruits
ягоди ягоды berry berries ягідний ягодный
соус sauce
гострий острый spicy спайси
копчений копченый smoked
смажений жареный fried
запечений запеченный baked roasted roast
гриль grill grilled мангал мангалі mangal вугіллі charcoal
барбекю bbq barbecue
безалкогольний безалкогольный virgin nonalcoholic
тарілка тарелка plate platter нарізка нарезка дошка доска board boards
маринований маринованный pickled marinated маринад marinade
морепродукти морепродукты seafood морський морская морська морской
окунь perch
гребінець гребешок scallop хотате hotate
восьминіг осьминог octopus
асорті ассорти mix assorted assortment
студентський студенческий student
гьоза гедза гёдза gyoza
моті моти mochi
жасмин jasmine жасминовий жасминовый
кориця корица cinnamon
шпинат spinach
рукола arugula rucola
песто pesto
торт cake
чізкейк чизкейк cheesecake
пиріг пирог pie
тістечко пирожное pastry
десерт dessert
пиво beer
вино wine
коктейль cocktail
смузі смузи smoothie
какао cocoa
піца пицца pizza
рол ролл roll rolls роли роллы
без without
подвійний двойной double doppio
стакан glass келих бокал келиху
пляшка бутылка bottle
газований газированный sparkling ігристе игристое
негазований негазированный still
свіжий свежий fresh свіжовичавлений свежевыжатый
домашній домашний homemade
класичний классический classic
вегетаріанський вегетарианский vegetarian veggie
гарнір гарнир side
закуска snack starter appetizer
напій напиток drink beverage напої напитки drinks
сніданок завтрак breakfast
крильця крылышки wings
ребра ребрышки ribs реберця ребрища
каша porridge
вівсяний овсяный oat oatmeal
гречка buckwheat
борщ borscht borsch borshch
цезар цезарь caesar
грецький греческий greek
м'ясо мясо meat м'ясний мясной м'ясна мясная
котлета cutlet patty
відбивна отбивная chop
круасан круассан croissant
бейгл bagel
кіноа киноа quinoa
ікра икра caviar roe ікура ikura
соєвий соевый soy
м'ята мята mint
імбир имбирь ginger імбирний имбирный
журавлина клюква cranberry
смородина currant
персик peach
груша pear
ананас pineapple
кавун арбуз watermelon
диня дыня melon
маракуя passionfruit
пюре mashed
віскі виски whisky whiskey
горілка водка vodka
ром rum
джин gin
текіла текила tequila
коньяк cognac brandy бренді бренди
сидр cider
шампанське шампанское champagne
світле светлое lager light
темне темное dark
нефільтроване нефильтрованное unfiltered
грінки гренки croutons сухарики
кільця кольца rings
мокко мока mocha mokka
булочка булка bun buns булці булку
кляр batter
міцні крепкие spirits
базилік базилик basil
теплий теплый warm
додатковий дополнительный extra additional
трав'яний травяной herbal herb herbs
чебрець чабрец thyme
сметана smetana
англійський английский english
французький французский french
італійський итальянский italian
американський американский american
японський японский japanese
грузинський грузинский georgian
мексиканський мексиканский mexican
тайський тайский thai
бельгійський бельгийский belgian
віденський венский viennese
дитячий детский kids kid children child
солодкий сладкий sweet
кислий кислый sour сауер сауэр
солоний соленый salted salty
козячий козий goat
буряк свекла beetroot beet beets
пашот poached
тост тости toast
гарбуз тыква pumpkin гарбузовий тыквенный
банан banana банановий банановый
лаванда lavender лавандовий лавандовый
карамель caramel карамельний карамельный
розливне разливное draft draught
пляшкове бутылочное bottled
сендвіч сэндвич sandwich бутерброд
грудка breast
філе филе fillet
випічка выпечка bakery pastries
мілкшейк милкшейк milkshake shake
чотири четыре four quattro 4
два дві две two 2
три three 3
маленький малий маленька small
середній средний medium regular стандарт стандартний стандартный стандартна стандартная standard звичайний звичайна обычный обычная
великий большой велика большая large big
гавайська гавайская hawaiian
мисливська охотничья hunter
баранина ягнятина ягняти ягнячий ягненок ягненка lamb mutton баранячий
ламбруско lambrusco
кролик кролятина кроляча кролячий кроличий rabbit
шия шея neck ошийок ошийку
лопатка shoulder
стегно бедро thigh thighs стегенця стегенце бедрышко
гомілка голень drumstick drumsticks гомілки
ніжка ножка leg legs ніжки ножки
вирізка вырезка tenderloin
корейка loin
печінка liver печінкою
язик язык tongue
фарш minced mince
тефтелі тефтели meatballs meatball фрикадельки
серце сердце heart hearts серця сердечки сердечка
шлунки желудки пупки gizzards
грудинка brisket
гуска гусяча гусиный
перепілка перепел quail перепелка
оленина venison
кабан кабанятина
сало lard
хамон jamon
прошуто прошутто prosciutto
форель trout
сібас сибас seabass лаврак
судак zander
тріска треска cod
оселедець оселедця сельдь селедка herring
скумбрія скумбрия mackerel
лобстер lobster омар
устриці устрицы oysters oyster
короп карп carp
карпатський карпатский carpathian карпати карпаты
сом catfish
щука pike
камбала flounder
хек hake
анчоус анчоуси анчоусы anchovy anchovies
баклажан eggplant aubergine eggplants
кабачок кабачки цукіні цукини zucchini courgette
морква морковь carrot carrots
капуста cabbage
спаржа asparagus
горох горошок горошку peas
квасоля фасоль beans bean
сочевиця чечевица lentils lentil
кукурудза кукуруза corn maize
корнішон корнишон корнішони корнишоны gherkins gherkin pickles соління соленья
редиска редис radish radishes
селера сельдерей celery
айсберг iceberg
кріп укроп dill
петрушка parsley
кінза кинза коріандр кориандр cilantro coriander
розмарин rosemary
щавель sorrel
шафран saffron
куркума turmeric
трюфель truffle truffles
лисички chanterelles chanterelle
porcini порчині порчини
оливки маслини маслины olives
халапеньо jalapeno
батат
кунжут sesame
гірчиця горчица mustard гірчичний горчичный
майонез mayonnaise
оцет уксус vinegar
масло butter
олія oil
аджика adjika
сироп syrup
слива plum plums
абрикос apricot apricots
гранат pomegranate
інжир инжир fig figs
фініки финики dates
родзинки изюм raisins
чорнослив prunes
лайм lime limes
грейпфрут grapefruit
мандарин tangerine tangerines
виноград grape grapes
ожина ежевика blackberry blackberries
брусниця брусника lingonberry cowberry
агрус крыжовник gooseberry
обліпиха облепиха buckthorn
айва quince
walnut волоський волоські
фісташка фисташка pistachio pistachios фісташки фисташки
кедровий кедровый pinenut
арахіс арахис peanut peanuts
пшоно пшено millet
перловка перлова перловая barley
манка semolina
ряжанка ряженка
згущене згущенка сгущенка сгущенное condensed
тушкований тушеный stewed braised
відварний отварной boiled
паровий паровой steamed
фарширований фаршированный stuffed
панірований панированный breaded паніровці панировке
горщик горщику горшок горшочек горшочке pot
шашлик шашлык shashlik kebab kebabs шампур skewer skewers шпажка
шаурма шаверма shawarma
сушений сушеный dried
хрусткий хрустящий crispy crunchy
соковитий сочный juicy
фірмовий фирменный signature
шеф chef
традиційний традиционный traditional
селянський деревенский country rustic
український украинский ukrainian
азійський азиатский asian
китайський китайский chinese
корейський корейский korean
іспанський испанский spanish
німецький немецкий german
норвезький норвежский norwegian
ірландський ирландский irish айріш
східний восточный oriental турецький турецкий turkish турка турці турке джезва cezve jezve ibrik
королівський королевский king royal
рагу ragout stew
плов pilaf
юшка уха ukha
бульйон бульон broth bouillon
оладки оладьи оладі fritters
яєчня яичница глазунья
стейк steak steaks
рибай ribeye
рибацький рыбацкий рибальський fisherman
стриплойн striploin
паштет pate
карпачо карпаччо carpaccio
брускета брускетта bruschetta
фокача фокачча focaccia
багет baguette
нагетси наггетсы нагетс nuggets nugget
стрипси стріпси strips
клаб club клуб
чізбургер чизбургер cheeseburger
вейджес wedges
порція порции порції portion portions
чашка cup
глечик кувшин jug pitcher графин графін carafe
шот shot стопка чарка
рожевий розовый рожеве розовое rose rosé
сухе сухий сухое сухой dry
сухофрукти сухофрукты
напівсухе полусухое semidry
напівсолодке полусладкое semisweet
лікер ликер liqueur
настоянка настойка tincture
пшеничне пшеничное wheat weizen вайцен пшениця пшеница
пунш punch
шпріц шприц spritz
спрайт sprite sprites
абсент absinthe
фешн фешен fashioned fashion
айленд island
мохіто мохито mojito
санрайз sunrise
блакитний синій синий blue
ройбуш rooibos
улун oolong
пуер пуэр puerh
каркаде hibiscus
пахлава баклава baklava
кулька шарик scoop scoops
еклер эклер eclair éclair
штрудель strudel
пончик пончики donut donuts doughnut doughnuts
мафін маффін маффин muffin muffins кекс cupcake
безе меренга meringue
джелато gelato
зефір зефир marshmallow marshmallows маршмелоу маршмеллоу маршмелов маршмэллоу
варення варенье jam джем конфітюр
варенуха
заправка dressing
половина half
кизил кизиловий кизиловый dogwood cornel
палички палочки sticks stick
рік років лет год year years yo
пінта пинта pint
асаї асаи acai
""".strip()

# Phrases first written as two words, joined before lookup ("ice cream" -> "icecream").
PHRASES = {
    "ice cream": "icecream",
    "passion fruit": "passionfruit",
    "french fries": "fries",
    "sea buckthorn": "обліпиха",
    "flat white": "флет вайт",
    "sour cream": "сметана",
    "лісовий горіх": "фундук",
    "лесной орех": "фундук",
    "молочний коктейль": "мілкшейк",
    "молочный коктейль": "мілкшейк",
    "milk shake": "мілкшейк",
    "poke bowl": "поке",
    "поке боул": "поке",
    "без газу": "негазований",
    "без газа": "негазований",
    "з газом": "газований",
    "с газом": "газований",
    "sea bass": "сібас",
    "морський окунь": "сібас",
    "морской окунь": "сібас",
    "pike perch": "судак",
    "pike-perch": "судак",
    "wild boar": "кабан",
    "roast beef": "ростбіф",
    "rib eye": "рибай",
    "rib-eye": "рибай",
    "cottage cheese pancakes": "сирники",
    "curd pancakes": "сирники",
    "cottage cheese": "сир",
    "cold cuts": "нарізка",
    "fish soup": "юшка",
    "honey cake": "медовик",
    "mulled wine": "глінтвейн",
    "bloody mary": "кривава мері",
    "кровавая мэри": "кривава мері",
    "sweet potato": "батат",
    "sweet potatoes": "батат",
    "potato pancakes": "деруни",
    "cabbage rolls": "голубці",
    "fried eggs": "яєчня",
    "fried egg": "яєчня",
    "bell pepper": "болгарський перець",
    "bell peppers": "болгарський перець",
    "цвітна капуста": "cauliflower",
    "цветная капуста": "cauliflower",
    "квашена капуста": "sauerkraut",
    "квашеная капуста": "sauerkraut",
    "білі гриби": "porcini",
    "білий гриб": "porcini",
    "белые грибы": "porcini",
    "белый гриб": "porcini",
    "білих грибів": "porcini",
    "білими грибами": "porcini",
    "белых грибов": "porcini",
    "белыми грибами": "porcini",
    "pine nut": "кедровий",
    "pine nuts": "кедровий",
    "кедрові горіхи": "кедровий",
    "кедровий горіх": "кедровий",
    "кедровые орехи": "кедровий",
    "кедровый орех": "кедровий",
    "волоський горіх": "walnut",
    "волоські горіхи": "walnut",
    "волоськими горіхами": "walnut",
    "грецький горіх": "walnut",
    "грецкий орех": "walnut",
    "грецкие орехи": "walnut",
    "грецкими орехами": "walnut",
    "на пару": "паровий",
    "clay pot": "горщик",
    "semi-dry": "напівсухе",
    "semi dry": "напівсухе",
    "semi-sweet": "напівсолодке",
    "semi sweet": "напівсолодке",
    "tom yum": "том ям",
    "dried fruit": "сухофрукти",
    "dried fruits": "сухофрукти",
}

# Generic words for a kind of dish, by the menu section that holds that kind: a site's "Napoleon
# cake" is Poster's "Наполеон" in "Десерти". Only generic words here, never a particular dish
# ("cheesecake" in "Desserts" must not look like "tiramisu").
KINDS = {
    "десерт": "торт тістечко",
    "випічка": "булочка тістечко пиріг",
    "напій": "лимонад сік",
    "міцні": "віскі горілка ром джин текіла коньяк",
}

# Words that carry no identity: prepositions, conjunctions, marketing noise.
STOPWORDS = """
з із зі с со из в у на та і й и и а the a an of with and in on for from по для від от z iz zi
new нове новинка новинки хіт хит hit top топ sale акція акция promo bestseller бестселер
""".split()

# Concepts that say which size: a glass is the smallest serving, a bottle the largest.
SIZE_WORDS = {"маленький": "S", "середній": "M", "великий": "L", "стакан": "S", "пляшка": "L", "глечик": "L"}
