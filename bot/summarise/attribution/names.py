"""First names by gender and the honorifics that mark one, for pronoun resolution.

A name here is only a hint: a pronoun is resolved to a person whose gender is unknown only
when no other candidate fits, so a missing or unusual name costs an attribution, never a
wrong one. Names that are given to both women and men in common use (Alex, Andrea, Jean,
Kim …) are listed as ``UNISEX`` and give no hint. All entries are lower case without accents;
compare with :func:`fold`. This module holds data only: no model, no I/O.
"""

from __future__ import annotations

import unicodedata


def fold(word: str) -> str:
    """Lower case without accents: "Élodie" → "elodie"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_FEMALE = """
abena abigail ada adaeze adela adele adelaide adriana agata agatha agathe agnes agnieszka
aida aila ailsa aino aisha aishwarya akiko akosua alba aleksandra alessandra alexandra
alexandrina alice alicia alina alinta alison allison alma alva ama amal amalia amanda amara
amber amelia amelie amina amira amy ana anais anastasia ananya andreea aneta angela angelica
angelika angharad anika anita anja anjali ann anna annabel annabelle annalena anne anneke
annelies anneliese annemarie annette annika anouk antje antonella antonia aoife april
ariadna ariane arwen asha ashanti astrid audrey aurelia aurelie ava ayesha aylin ayumi
barbara beata beatrice beatriz beatrix belinda bella benedetta berit bernadette berta bertha
beth bethan bethany betty beverly bianca birgit birgitta birte blanca blessing bozena brenda
bridget brigid brigitte britt britta bronwen busisiwe caitlin camila camilla camille candice
cara carina carla carlota carmen carol carole caroline carolyn cassandra catalina catarina
catherine cathy catriona cecile cecilia celeste celia celine cerys chantal charlotte chen
chiamaka chiara chidinma chioma chloe christa christiane christina christine chun ciara
cindy claire clara clare claudia claudine colette colleen concepcion constance constanza
consuelo cora cordelia corinna corinne cristina cynthia dagmar dagny daisy dana daniela
danielle daria darya dawn deborah debra deepa deirdre delia denise desislava diana diane
dina divya dolores dominika donna dora doreen doris dorota dorothea dorothy dragana dunja
ebba edith edwige edyta efua eileen eilidh eira eithne ekaterina elaine elena eleni eleonora
eleanor elif elin elisa elisabeth elisabetta elise eliza elizabeth elke ella ellen ellie
elodie eloise elsa elsbeth elspeth else elvira emilia emilie emily emma emmanuelle enya
erika erin esme esperanza estelle esther eszter eugenia eva evangelina eve evelina evelyn
ewa fabienne faith fatima fatma fatou felicity femke fernanda fiona flavia flora florence
florentina folake frances francesca francine francoise frida frieda funmilayo gabriela
gabriele gabriella gabrielle gail galina gemma genevieve georgia georgina geraldine gerda
gertrud ghislaine gillian gina giovanna gisela giselle giulia giuliana gladys gloria grace
graciela grainne greta gretchen gudrun gunhild gunilla gwen gwendolyn gwyneth hadiza hala
halima halina hana hanan hanna hannah hanne harriet haruka hazel heather hedda hedwig heidi
heike helen helena helene helga heloise henrietta hermione hilary hilda hildegard hiroko
holly hope huda hui hye-jin ida ifeoma ilaria ilona ilse imani imelda imogen ina indira ines
inga inge ingeborg inger ingrid irena irene irina iris irmgard isabel isabella isabelle isla
ivana ivy iwona iryna jacqueline jade jana jane janet janice janina jasmin jasmine jelena
jennifer jenny jessica jill jing joan joanna joanne jocelyn johanna jolanta josefina
josephine josiane joy joyce juana judit judith judy julia juliana julie juliet juliette june
justina justine jutta kaisa kalinda karen kari karin karina karla karolina kasia katalin
katarina katarzyna kate katerina katharina katherine kathleen kathryn katie katja katrin
katrina kavita kay kayla keiko kelly kerstin khadija kirsten kirsty klara krisztina kristina
kristin krystyna ksenia kyoko lada laila lakshmi lara larisa laura laure laurence lauren
laurie layla lea leah leila lena lene leonie leonor leticia liesel lieselotte lila liliana
lillian lily lina linda lindiwe ling linnea lisa liv liz liza lorena lorna lorraine lotte
louisa louise luana lucia luciana lucie lucinda lucy ludmila luisa luise lydia lyudmila
mabel madeleine madison maeve magda magdalena maggie mai maja malgorzata malin malika manon
manuela mara marcela marcelina marcia margaret margarita margaux margit margot marguerite
maria mariam mariana marianne marie marieke marielle marija marina marion marisa marisol
marit marjorie marketa marlene marta martha martina mary maryam mathilde matilda maude maura
maureen maxine may megan mei melania melanie melinda melissa mercedes meredith mette mia
michaela michelle mihaela mila mildred milena mina minna miranda miriam mirjam moira molly
monica monika montserrat morag morven muriel nadia nadine nadezhda nancy naomi nasrin
natalia natalie natasha nathalie nell nelly neha nicole nicoletta niamh nina njeri noemi
nomvula nora norah noreen norma nour nuala nuria octavia odette odile ofelia oksana olena
olga olive olivia ondine oona orla ottilie paloma pamela paola parisa patricia paula paulina
pauline pearl penelope penny pernille petra philippa phoebe pilar polina polly pooja
precious priscilla priya rachel rachida radka rafaela ragnhild rana rania raquel rebecca
regina rekha renata renate rhiannon rhoda rita roberta rocio roisin rosa rosalie rosalind
rosamund rose rosemary rosie rowena roxana ruth sabine sabrina sadia safiya sakura salma
samantha samira sandra sandrine sanne sara sarah saoirse satu selina selma serena shanice
shanti sharon sheila shirin shona shreya silke silvia simona sinead siobhan sirkka sofia
sofiya solange solveig sonia sonja sophia sophie stefania stella stephanie sue sunita
sunniva susan susanna susanne suzanne svetlana sylvia sylvie tabitha tamara tamsin tanja
tanya tatiana tatyana teresa tereza tessa thandi thandiwe thea theodora theresa tilda tina
tove tuula ulla ulrike ulrika una ursula valentina valeria valerie vanessa vera verena
veronica veronika veronique vesna victoria viktoria vilma viola violet virginia vivian
viviane wanjiru wanda wendy wilhelmina winifred xenia xiu yasmin yasmine yelena yetunde ying
yoko yuki yulia yvette yvonne zainab zanele zara zelda zeynep zofia zoe zora zsofia zuzana
"""

_MALE = """
aaron abdul abdullah abel abraham adam adebayo adil adrian adriano ahmad ahmed aidan akira
alain alan alasdair alastair albert alberto albrecht aldo alejandro aleksander aleksandar
aleksei alessandro alessio alexander alexandre alexei alexey alfie alfonso alfred alfredo
ali alistair alois amir amit anand anders andre andreas andrei andres andrew andrey andrzej
angelo angus anil anselm anthony anton antoine antonio antonin ante anwar archibald archie
arjun armand armando arne arnaud arnold arthur arturo arun arvid ashok asif august augusto
axel ayodeji babatunde balazs barnaby barry bart bartosz basil bastian bastien baudouin ben
benedict benedikt benjamin benoit bernard bernardo bernd bertrand bilal bill billy bjorn bo
bob bobby bogdan bohdan bongani boris branko brendan brian bruce bruno burak byron calum
callum calvin carl carlo carlos casimir caspar cedric cesar charles chidi chinedu chris
christian christoph christophe christopher chukwuma cian ciaran claus clemens clement clive
colin colm conall conor connor conrad constantin cormac cornelius craig cristian cristiano
cyril cyrus dafydd dai daisuke dale damian damien dan daniel daniele danilo dario darius
dariusz darragh darren dave david davide dean declan dejan denis dennis derek desmond dev
diarmuid didier diego dieter dietrich dimitri dimitris dirk dmitri dmitry domenico dominic
dominik donal donald doug douglas dragan duarte duncan dusan dylan eamon eamonn edgar edmund
edoardo eduard eduardo edward edwin einar elias elijah elliot emeka emil emile emilio
emmanuel emre emrys enrico enrique eoin ephraim eric erik ernest ernesto ernst esteban
etienne eugene euan evan ewan fabian fabien fabio fabrizio faisal farhad farid federico
felipe felix femi ferdinand fergal fergus fernando filip filippo finn fintan florian
francesco francis francisco franco francois frank frans frantisek franz fred freddie
frederic frederick frederik fredrik friedrich fritz gabor gareth garrett gary gaston gavin
geert geoffrey george georg georgios gerald gerard gerhard gethin giacomo gianluca gianni
gilbert gilles giorgio giovanni giuseppe glen glenn godfrey goran gordon graham grant gregor
gregory grzegorz guido guillaume gunnar gunther gustav gustavo guy hakan halvard hamid
hamish hamza hans harald hari harold haroon harry haruto harvey hasan hassan hector heinrich
heinz helmut hendrik henk henning henri henrik henry herbert hermann herve hiroshi holger
horace horst howard hubert hugh hugo huw iain ian ibrahim idris ignacio igor imran ioannis
ivan ivar ivo ivor iwan jack jacob jacques jaime jake jakob jakub james jamal jan janek
janos janusz jaroslav jasper javier jean-baptiste jean-claude jean-luc jean-marc jean-paul
jean-pierre jeff jeffrey jens jeremy jerome jeroen jerzy jim jimmy joachim joao joaquim
joaquin joe joel johan johann johannes john jon jonah jonas jonathan joost jordi jorge jose
josef joseph josh joshua josip juan julian julien julio juma jun jurgen justin kaan kacper
kagiso kai kamal kamil karim karl karol kasper keith kemal ken kenji kenneth kenta kevin
khalid kieran kjell klaus knut kofi kojo konrad konstantin kostas krzysztof kurt kwabena
kwame kyle lachlan lars laurent laurence lawrence lazar leif len lennart leo leon leonard
leonardo leonid leopold lewis liam lionel lloyd logan lorenz lorenzo louis luc luca lucas
lucian luciano lucien ludovic ludwig luigi luis luka lukas lukasz luke lutz magnus mahmoud
maksim malcolm mandla manfred manoj manuel marc marcel marcello marco marcos marcus marek
mario marius mark marko markus martin martyn massimo mateo mateus mateusz mathias mathieu
matteo matthew matthias matthieu mattia maurice mauricio maurizio max maxim maxime
maximilian mehdi mehmet michael michal michel michele miguel mikael mikhail mikkel miklos
milan miles milos miroslav mitchell mohamed mohammad mohammed moritz morten moses muhammad
murat murray musa mustafa nabil nasser nathan nathaniel neil nicholas nick nico nicolai
nicolas niall nigel nikhil nikita niklas niko nikola nikolai nikolaos nikolaus nils noah
noel norbert norman nuno obinna oisin olaf olav ole oleg oleksandr oleksiy oliver olivier
olu oluwaseun omar osamu oscar oskar osman otto owain owen pablo padraig paolo pascal
patrice patrick patrik paul paulo pavel pawel pedro peder per percy peter petr petros petru
philip philipp philippe phillip pierre piers piet pieter piotr pradeep pranav przemyslaw
quentin radek rafael rafal raffaele rahul rainer rajesh rajiv ralf ralph ramesh ramon
randall raoul raphael rashid rasmus raul ravi raymond reginald reinhard remi rene reza
rhodri rhys riccardo richard rickard rik robert roberto robrecht rocco roderick rodney
rodrigo roger roland rolf roman romano ronald ronan rory ross ruairi rudolf rufus rui rupert
russell ruud ryan sachin salvatore samir samuel sander sandro sanjay santiago satoshi saul
scott sean sebastian sebastiano sebastien segun seppo serge sergei sergey sergio seth shane
shaun sigmund sigurd silvio simon sipho sjoerd slavomir sol soren spencer stanislav
stanislaw stanley stefan stefano steffen stephan stephane stephen steve steven stig stijn
stuart sunil suresh sven svend tadeusz tae-yang takashi takeshi tamas tao tariq taras ted
terence terry thabo themba theo theodor theodore thiago thierry thijs thomas thorsten tiago
tibor tim timo timothy tobias toby tom tomas tomasz tommaso tony tor torben torsten trevor
tristan tunde ulf ulrich umar umberto uwe vaclav valentin valery vasyl vaughan viktor
vicente victor vijay vikram vilhelm vincent vincenzo vitaly vittorio vladimir vladislav
volker walid walter warren wei werner wilfred wilhelm willem william wim winston wojciech
wolfgang xavier yannick yaroslav yasin yaw yiannis yosef youssef yuri yusuf yves zachary
zbigniew zdenek zoltan zoran
"""

_UNISEX = """
alex alexis ali andrea ashley avery bailey cameron casey charlie chris claude dani dominique
eden emery frankie hayden jamie jean jesse jo jordan jules kai kelly kim kiran lee leslie
lou marion morgan nicola noa nour parker quinn reese riley robin rowan sam sasha shannon
simone stacy taylor terry toni val yan
"""

_MORE_FEMALE = """
adaora adebola adenike aderonke adesua afua akua amaka amarachi binta bisi bukola chidinma
chinwe chinyere chinasa ebele efe ekaette folasade funke ifeoma ijeoma kemi lola ngozi
nkechi nneka nkem obiageli olamide oluchi omolara titilayo tolu uchechi yewande zawadi
wambui wairimu nyambura akinyi atieno auma makena njoki nyokabi lerato naledi nandi
nokuthula palesa refilwe sibongile thandeka zodwa zinhle aaliyah aisling alannah arianwen
bethan carys ceinwen delyth eirlys eluned ffion glenys gwenllian heledd lowri mair manon nia
nerys seren sian siân tegan angharad ailbhe aine aideen blathnaid clodagh deirbhile eimear
fionnuala maire mairead meabh muireann nessa orlaith roisin sorcha una aparna anushka bhavna
chitra deepika gauri geeta indu jaya kamala kiranjit lata madhuri malini manisha nandini
padma parvati preeti radha rani ritu sangeeta sarita seema shalini shanthi shilpa smita
sonal sushma swati tanvi uma usha vandana vidya aiko aya chiyo emi fumiko hanako harumi
izumi kaori kazuko mariko megumi michiko midori miho naoko noriko reiko sachiko sayuri
tomoko yumiko bich hoa huong lan linh mai-anh ngoc phuong thanh-mai thao trang xuan ji-yeon
min-seo seo-yun so-yeon yoo-jin da-eun chun-hua hong-mei jia li-na lian mei-ling qian xia
xiaoling xue yu-ting zhen afsaneh azadeh farah fariba fereshteh golnaz laleh mahnaz nasim
negin roya sepideh shadi yasaman zeinab aylin ayse ayşe burcu cansu derya ebru elif emine
esra gul gulsen hatice merve nesrin ozlem pinar selin sevgi tugba zehra zeynep basma dalia
fadia ghada hiba jamila lamia lina maha manal mona nawal nisrine rasha reem salwa sana souad
wafa yara zeina agnese aiga baiba dace ieva ilze inese kristine laima liga rasa ruta vaida
vilija zane agne egle gintare jurgita kotryna milda rugile eeva helmi hilkka jaana kaarina
leena marjatta outi paivi pirjo raili riitta sari terhi tiina aikaterini athina chrysa
despina eleftheria evangelia ioanna kalliopi vasiliki zoi agota anett aniko csilla edit
erzsebet gyongyi ildiko kinga reka szilvia timea zsuzsa bogdana bozena jarmila jitka milada
ruzena sarka vlasta zdenka ileana ioana luminita mirela oana daciana brankica danica gordana
jasmina ljiljana mirjana natasa olivera slavica snezana tijana zorica alessia arianna
carlotta donatella fiorella graziella ludovica loredana marcella ornella raffaella rossana
tiziana vittoria amparo araceli begona belen candela inmaculada macarena maite nerea
remedios soledad yolanda conceicao graca joaquina madalena lurdes rosario teodora dorothee
gisele huguette marie-claire marie-france marie-laure marie-therese martine mireille monique
nadege pascale severine solene ysabel liesbeth jolien lieke maaike marloes mieke nynke roos
saskia sietske wietske henrietta hedvig kirsti oddny randi sigrun torunn turid ylva agneta
ann-sofie gunnel inga-lill margareta sassa viveka ingegerd elsbeth
"""

_MORE_MALE = """
abimbola adewale adeyemi akin akinola ayodele babajide bolaji chibueze chidubem chijioke
chima chukwudi dayo ebuka ejike ekene ikechukwu kayode kelechi kunle nnamdi obafemi olumide
oluwafemi seun tobi uche yemi chege kamau kariuki kipchoge kiprono mwangi njoroge odhiambo
otieno omondi wekesa kagame amare bekele dawit haile kebede tesfaye yohannes abebe lwazi
mpho neo sibusiso siyabonga tshepo vusi zola aled alun bryn cadfael dewi emyr gareth
gruffydd gwilym gwyn hywel idris ieuan iolo llyr meirion rhodri sion tomos aengus cathal
ciaran cormac diarmuid donnacha eoghan fiachra lorcan padraic ruairi seamus tadhg aditya
ajay akash alok anirudh anup arvind ashwin balaji bharat chetan darshan dinesh ganesh gopal
harish hemant jagdish jitendra kailash karthik kishore krishna mahesh mukesh naresh naveen
nitin prakash prasad rajan rakesh sameer sandeep santosh satish shankar shyam siddharth
srinivas subhash sudhir tarun vikas vinay vinod vivek yogesh aziz bashir farouk habib jalal
kareem khaled majid mansour marwan munir osama qasim rami riad saad saeed salah sami sharif
tarek yasser zaid ziad ahmet arda baris berk can cem cenk erdem eren kerem levent mert oguz
onur ozan selim serkan tolga ugur volkan akihiro haruki hideo hiroki ichiro kazuki kazuo
makoto masahiro naoki ryota shinji shota shun sho tadashi takumi taro tetsuya tomoya yoshiro
yuichi anh-tuan duc dung hieu hung khanh minh nam phuc quang thanh trung tuan chang-ho dong-
hyun hyun-woo jae-won jin-woo joon-ho kyung-soo min-ho sang-woo seung-hyun sung-min young-ho
bao chao cheng gang guo hai jian-guo kai-wen liang long qiang rui shan wen xiang xin yong
zhi zhong ardashir bahram behzad dariush farzad hossein kamran keyvan mehran morteza payam
ramin shahram aivars andris arturs edgars gatis janis juris maris raimonds uldis algirdas
arunas giedrius gintaras linas mindaugas rimantas saulius tadas vytautas aki antti eero
hannu harri heikki ilkka jari jukka juha kari markku matti mikko olli pekka petri tapio
teemu tuomas veli vesa ville alexios anastasios christos constantinos dimosthenis evangelos
giannis konstantinos kyriakos nikos panagiotis pantelis spyros stavros thanos vasilis andras
attila bela csaba gergely istvan jozsef laszlo lajos levente mate sandor szabolcs zsolt
bohumil jiri karel ladislav lubos lubomir miloslav ondrej radim rostislav vojtech alexandru
cosmin dorin florin ionut marian mihai ovidiu radu razvan sorin vlad bojan dalibor jovan
milorad miodrag nebojsa predrag radovan slobodan srdjan vuk zarko aurelio corrado cosimo
damiano dante elio ettore fausto flavio gino ivano leandro lino mauro nazzareno nello
ottavio piero raimondo renato rino tullio ugo valerio adolfo agustin alvaro amadeo anibal
arsenio baltasar benito bernabe camilo cayetano cipriano demetrio eusebio fermin gregorio
horacio inigo isidro jacinto lisandro marcelino nicanor patricio plácido rogelio saturnino
teodoro ulises abilio adelino afonso agostinho amadeu anselmo arnaldo belmiro custodio
evaristo gaspar ilidio jeronimo octavio rolando sebastiao valdemar aurelien baptiste
corentin dorian fabrice gaetan gregoire jean-charles jean-francois jean-jacques jean-louis
jean-michel jean-philippe loic marc-antoine mathis regis romain sylvain tanguy thibault
benno detlev eckhard ekkehard gottfried guenter gunter hartmut hartwig helge ingo jochen
kilian lothar malte reiner siegfried wendelin wilfried arjen bas berend floris gijs hidde
jelle joris mees niek pim rutger sietse teun wouter yoran bengt birger bo-erik erland frode
geir gudmund haakon hallvard jarle kjetil odd oddvar ragnar roald sindre steinar sverre
terje trond torvald ulrik vidar
"""

UNISEX = frozenset(fold(n) for n in _UNISEX.split())
FEMALE = frozenset(fold(n) for n in (_FEMALE + _MORE_FEMALE).split()) - UNISEX
MALE = frozenset(fold(n) for n in (_MALE + _MORE_MALE).split()) - UNISEX - FEMALE
FIRST_NAMES = FEMALE | MALE | UNISEX

# Titles written before a name; the gendered ones settle the person's gender.
HONORIFIC_GENDER: dict[str, str] = {
    "mr": "m", "mister": "m", "sir": "m", "lord": "m", "herr": "m", "monsieur": "m", "m.": "m",
    "signor": "m", "senor": "m", "don": "m", "king": "m", "prince": "m", "duke": "m",
    "baron": "m", "count": "m", "father": "m", "brother": "m", "uncle": "m",
    "mrs": "f", "ms": "f", "miss": "f", "dame": "f", "lady": "f", "madam": "f", "madame": "f",
    "mme": "f", "mlle": "f", "frau": "f", "signora": "f", "senora": "f", "queen": "f",
    "princess": "f", "duchess": "f", "baroness": "f", "countess": "f", "sister": "f",
    "aunt": "f",
}  # fmt: skip

# Words that may stand before a name without being part of it: "Dr Farah Qureshi",
# "Judge Miriam Okonkwo", "Transport Minister Piotr Zamecki".
NAME_PREFIXES = frozenset(HONORIFIC_GENDER) | frozenset(
    """mx dr doctor prof professor judge justice gov governor sen senator rep representative
    president minister commissioner chancellor mayor premier ambassador general gen colonel
    col captain capt lieutenant lt sergeant sgt inspector detective det chief superintendent
    supt constable officer rev reverend bishop archbishop rabbi imam sheikh pastor coach
    councillor councilor alderman secretary deputy vice prime foreign finance trade
    transport economy interior defence defense health energy labour labor state federal
    acting former interim senior junior environment industry agriculture education justice
    culture fisheries housing home treasury budget first director chairman chairwoman chair
    manager goalkeeper striker captain skipper midfielder defender forward winger keeper
    head ceo executive economist analyst""".split()
)

PARTICLES = frozenset(
    "de van von der den da di du le la bin ibn al el ter ten dos das del della".split()
)
